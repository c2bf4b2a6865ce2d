"""Keypair cryptography: fingerprints and generated keys, as Nova makes them.

An ssh fingerprint is the MD5 of the decoded key blob, an x509 one the SHA1
of the DER certificate, both as colon-separated hex pairs. A generated ssh
key is RSA 2048 (private key in traditional OpenSSL PEM); a generated x509
"keypair" is a self-signed client certificate for WinRM with the private key
as a base64 PKCS#12 bundle without password.
"""
import base64
import binascii
import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
from cryptography.x509.oid import ObjectIdentifier

from nova_common import exception

KEY_BITS = 2048
GENERATED_COMMENT = 'Generated-by-Nova'
# Microsoft's User Principal Name, the subjectAltName WinRM maps to a user.
_UPN_OID = ObjectIdentifier('1.3.6.1.4.1.311.20.2.3')
_CERT_DAYS = 3650
# The certificate's subject is CN=<user id>; X.509 bounds a CN to 64 bytes.
_MAX_COMMON_NAME = 64


def _colon_hex(digest):
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def ssh_fingerprint(public_key):
    """MD5 fingerprint of an OpenSSH public key line; InvalidKeypair if it
    is not one."""
    try:
        serialization.load_ssh_public_key(public_key.encode('utf-8'))
        blob = base64.b64decode(public_key.split(' ')[1])
    except Exception:  # noqa: BLE001 - any failure means a bad key
        raise exception.InvalidKeypair(reason='failed to generate fingerprint')
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).hexdigest())


def x509_fingerprint(pem_certificate):
    """SHA1 fingerprint of a PEM certificate; InvalidKeypair if it is not one."""
    try:
        certificate = x509.load_pem_x509_certificate(pem_certificate.encode('utf-8'))
    except (ValueError, TypeError, binascii.Error) as error:
        raise exception.InvalidKeypair(
            reason='failed to generate X509 fingerprint. Error message: %s' % error)
    return _colon_hex(certificate.fingerprint(hashes.SHA1()).hex())


def fingerprint(public_key, key_type):
    if key_type == 'x509':
        return x509_fingerprint(public_key)
    return ssh_fingerprint(public_key)


def _new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def generate_ssh_key():
    """(private key PEM, public key line, fingerprint) of a new RSA key."""
    key = _new_rsa_key()
    private_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode('ascii')
    openssh = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode('ascii')
    public_key = '%s %s' % (openssh, GENERATED_COMMENT)
    return private_key, public_key, ssh_fingerprint(public_key)


def _der_utf8_string(text):
    """DER encoding of a short (< 128 bytes) ASN.1 UTF8String."""
    data = text.encode('utf-8')
    return b'\x0c' + bytes([len(data)]) + data


def generate_x509_certificate(user_id):
    """(base64 PKCS#12 private key, certificate PEM, fingerprint) of a new
    WinRM client certificate for ``user_id``."""
    if len(user_id.encode('utf-8')) > _MAX_COMMON_NAME:
        raise exception.InvalidKeypair(
            reason='a certificate common name holds at most %d bytes' % _MAX_COMMON_NAME)
    key = _new_rsa_key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    now = datetime.datetime.now(datetime.timezone.utc)
    upn = x509.OtherName(_UPN_OID, _der_utf8_string('%s@localhost' % user_id))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=_CERT_DAYS))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([upn]), critical=False)
        .sign(key, hashes.SHA256()))
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')
    bundle = pkcs12.serialize_key_and_certificates(
        None, key, certificate, None, serialization.NoEncryption())
    return base64.b64encode(bundle).decode('ascii'), pem, x509_fingerprint(pem)


def generate_keypair(key_type, user_id):
    """(private key, public key, fingerprint) of a new keypair of ``key_type``."""
    if key_type == 'x509':
        return generate_x509_certificate(user_id)
    return generate_ssh_key()
