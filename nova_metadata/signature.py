"""The proxy's signature of the instance id it forwards, as Neutron's
metadata agent makes it and Nova checks it: HMAC-SHA256 of the id with
[metadata] metadata_proxy_shared_secret, in hex."""
import hashlib
import hmac


def sign(secret, instance_id):
    return hmac.new(secret.encode('utf-8'), instance_id.encode('utf-8'),
                    hashlib.sha256).hexdigest()


def verify(secret, instance_id, signature):
    """Whether ``signature`` is the id's; never true without a secret
    (an unset secret must not let every guest through)."""
    if not secret or not signature:
        return False
    return hmac.compare_digest(sign(secret, instance_id), signature)
