"""Keypair fingerprints and generated keys (nova_common.crypto).

The expected fingerprints were computed independently with
``ssh-keygen -l -E md5`` and ``openssl x509 -fingerprint -sha1``.
"""
import base64

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
import pytest

from nova_common import crypto
from nova_common import exception

ED25519_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH+b3QX8znFS6yszgKS5HDoQdVMXYTJXQqdI'
               '7Z5rGFE6 test@example')
ED25519_FP = '83:0f:9e:e9:1f:af:9e:35:d1:53:a0:f7:6e:ec:18:dd'
RSA_KEY = ('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCmXtBjOaoRFBAkPVdRfOdsOQUjqy4YRoK/C5Tqw2'
           '4IDzLwx1pYoUlSvecy2wNXnIuyH/fdeUdp6YrTMYVUjTpoziW8fYceZ35fayZBhwNiffT8uD2GeXv2'
           'aW2dciTf5UZ8z9+TrOEOPmLp+38firwCi6VUGYa3bUINSSvkFwaLrQ== rsa@example')
RSA_FP = '40:08:e9:13:11:9b:d8:92:3a:7d:d1:f5:6b:8c:2f:62'
CERT_PEM = """-----BEGIN CERTIFICATE-----
MIIBczCCARmgAwIBAgIUI4bVD+SwcszmOaIjfK4xGmsoVNAwCgYIKoZIzj0EAwIw
DzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjIwNDA2MzZaFw0zNjExMTkwNDA2MzZa
MA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAT4l63A
Ewe8l0tmTruwJQOBhLk2G0wlveb3Fxguxps6yK8uRXXDbToTTe63YiPObeRrBmWq
5diDc8wQnmS736l3o1MwUTAdBgNVHQ4EFgQUPNcSsTXCT0ab/DwTPB0khPfaSGkw
HwYDVR0jBBgwFoAUPNcSsTXCT0ab/DwTPB0khPfaSGkwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNIADBFAiEAi3cjzdOd+A42fOXatQMWoqrf9343GKv/AAHL
iTK3tBYCIENjO6gRk9OrZMFpiw/86XdwqQU9fiscEdOaF7/kATOK
-----END CERTIFICATE-----
"""
CERT_FP = '67:b3:3b:3e:42:13:00:9c:5a:5d:5c:27:31:0e:5c:28:1f:e1:e1:50'


@pytest.mark.parametrize('key, expected', [(ED25519_KEY, ED25519_FP), (RSA_KEY, RSA_FP)])
def test_ssh_fingerprint_is_md5_of_the_key_blob(key, expected):
    assert crypto.ssh_fingerprint(key) == expected
    assert crypto.fingerprint(key, 'ssh') == expected


def test_ssh_fingerprint_ignores_a_missing_comment_and_trailing_newline():
    assert crypto.ssh_fingerprint(ED25519_KEY.rsplit(' ', 1)[0]) == ED25519_FP
    assert crypto.ssh_fingerprint(RSA_KEY + '\n') == RSA_FP


@pytest.mark.parametrize('bad', [
    '', 'ssh-rsa', 'ssh-what negative', 'not a key at all',
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCm',  # truncated blob
    CERT_PEM,
])
def test_bad_ssh_key_is_invalid_keypair(bad):
    with pytest.raises(exception.InvalidKeypair) as error:
        crypto.ssh_fingerprint(bad)
    assert error.value.message == 'Keypair data is invalid: failed to generate fingerprint'
    assert error.value.code == 400


def test_x509_fingerprint_is_sha1_of_the_certificate():
    assert crypto.x509_fingerprint(CERT_PEM) == CERT_FP
    assert crypto.fingerprint(CERT_PEM, 'x509') == CERT_FP


def test_bad_certificate_is_invalid_keypair():
    with pytest.raises(exception.InvalidKeypair) as error:
        crypto.fingerprint(RSA_KEY, 'x509')
    assert error.value.message.startswith(
        'Keypair data is invalid: failed to generate X509 fingerprint. Error message:')


def test_generated_ssh_key_is_a_matching_rsa_2048_pair():
    private_pem, public_key, fingerprint = crypto.generate_keypair('ssh', 'alice')
    assert private_pem.startswith('-----BEGIN RSA PRIVATE KEY-----')
    assert public_key.startswith('ssh-rsa ') and public_key.endswith(' Generated-by-Nova')
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert private.key_size == 2048
    openssh = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    assert public_key == openssh + ' Generated-by-Nova'
    assert fingerprint == crypto.ssh_fingerprint(public_key)


def test_generated_x509_certificate_is_a_winrm_client_cert():
    private_b64, pem, fingerprint = crypto.generate_keypair('x509', 'alice')
    certificate = x509.load_pem_x509_certificate(pem.encode())
    assert certificate.subject.rfc4514_string() == 'CN=alice'
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH in usage
    alt_names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    upn = alt_names.get_values_for_type(x509.OtherName)[0]
    assert upn.type_id.dotted_string == '1.3.6.1.4.1.311.20.2.3'
    assert upn.value == b'\x0c\x0f' + b'alice@localhost'
    key, bundled_cert, _extra = pkcs12.load_key_and_certificates(
        base64.b64decode(private_b64), None)
    assert bundled_cert == certificate
    assert key.public_key() == certificate.public_key()
    assert fingerprint == crypto.x509_fingerprint(pem)


@pytest.mark.parametrize('user_id', ['u' * 65, '\u00e9' * 33])
def test_user_id_too_long_for_a_common_name_is_invalid_keypair(user_id):
    with pytest.raises(exception.InvalidKeypair):
        crypto.generate_keypair('x509', user_id)


def test_user_id_of_64_bytes_fits():
    _private, pem, _fp = crypto.generate_x509_certificate('\u00e9' * 32)
    certificate = x509.load_pem_x509_certificate(pem.encode())
    assert certificate.subject.rfc4514_string() == 'CN=' + '\u00e9' * 32
