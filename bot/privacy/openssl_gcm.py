"""AES-256-GCM from the OpenSSL the interpreter has already loaded for `hashlib`.

`cryptography` brings an OpenSSL of its own (a 14 MB library): loading it added 7.3 MB to the
bot's resident memory the first time anyone set a reminder (scripts/README.md, issue 34's ninth
round). The libcrypto that Python's `_hashlib` links is mapped in every process already (the
pseudonyms' HMAC uses it), so its EVP functions seal and open a chat id at no memory cost. The
output is the same as `cryptography`'s `AESGCM`: the ciphertext followed by the 16-byte tag.

Where that libcrypto cannot be reached (an interpreter built without it, or a static one),
`load()` returns None and the caller keeps using `cryptography`.
"""

import ctypes
import logging

log = logging.getLogger(__name__)

TAG_BYTES = 16
NONCE_BYTES = 12
"""GCM's own IV length: no EVP_CTRL_GCM_SET_IVLEN needed."""
_GET_TAG = 0x10  # EVP_CTRL_GCM_GET_TAG
_SET_TAG = 0x11  # EVP_CTRL_GCM_SET_TAG


class AuthenticationFailed(Exception):
    """The tag does not match: another key, or the sealed bytes were changed."""


class OpenSSLGCM:
    """AES-256-GCM with one key, through libcrypto's EVP interface (one cipher context per call)."""

    def __init__(self, library: ctypes.CDLL, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AES-256 needs a 32-byte key")
        self._c = library
        self._key = key

    @staticmethod
    def library() -> ctypes.CDLL | None:
        """libcrypto as `_hashlib` loaded it, with the prototypes set; None where it is not there."""
        try:
            import _hashlib

            library = ctypes.CDLL(_hashlib.__file__)  # dlsym searches its dependencies: libcrypto
            _declare(library)
        except (ImportError, OSError, AttributeError) as error:
            log.info("OpenSSL's EVP functions are not reachable (%s): cryptography seals chat ids", error)
            return None
        return library

    def encrypt(self, nonce: bytes, data: bytes, associated: bytes) -> bytes:
        return self._run(True, nonce, data, associated, None)

    def decrypt(self, nonce: bytes, sealed: bytes, associated: bytes) -> bytes:
        """Raises AuthenticationFailed when the tag does not match."""
        if len(sealed) < TAG_BYTES:
            raise AuthenticationFailed
        return self._run(False, nonce, sealed[:-TAG_BYTES], associated, sealed[-TAG_BYTES:])

    def _run(self, encrypt: bool, nonce: bytes, data: bytes, associated: bytes, tag: bytes | None) -> bytes:
        if len(nonce) != NONCE_BYTES:
            raise ValueError("the nonce must be 12 bytes")
        c = self._c
        init, update, final = (
            (c.EVP_EncryptInit_ex, c.EVP_EncryptUpdate, c.EVP_EncryptFinal_ex)
            if encrypt
            else (c.EVP_DecryptInit_ex, c.EVP_DecryptUpdate, c.EVP_DecryptFinal_ex)
        )
        context = c.EVP_CIPHER_CTX_new()
        if not context:
            raise MemoryError("EVP_CIPHER_CTX_new failed")
        try:
            written = ctypes.c_int(0)
            out = ctypes.create_string_buffer(len(data) + TAG_BYTES)
            _check(init(context, c.EVP_aes_256_gcm(), None, self._key, nonce), "init")
            if associated:
                _check(update(context, None, ctypes.byref(written), associated, len(associated)), "aad")
            _check(update(context, out, ctypes.byref(written), data, len(data)), "update")
            length = written.value
            if encrypt:
                _check(final(context, ctypes.byref(out, length), ctypes.byref(written)), "final")
                length += written.value
                out_tag = ctypes.create_string_buffer(TAG_BYTES)
                _check(c.EVP_CIPHER_CTX_ctrl(context, _GET_TAG, TAG_BYTES, out_tag), "tag")
                return out.raw[:length] + out_tag.raw
            assert tag is not None
            _check(c.EVP_CIPHER_CTX_ctrl(context, _SET_TAG, TAG_BYTES, tag), "tag")
            if final(context, ctypes.byref(out, length), ctypes.byref(written)) <= 0:
                raise AuthenticationFailed  # OpenSSL compares the tags in constant time
            return out.raw[: length + written.value]
        finally:
            c.EVP_CIPHER_CTX_free(context)


def _check(result: int, step: str) -> None:
    if result != 1:
        raise RuntimeError(f"OpenSSL AES-GCM {step} failed")


def _declare(c: ctypes.CDLL) -> None:
    """The prototypes, so that ctypes passes pointers as pointers (64 bits), not as C ints."""
    pointer, buffer, length = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    c.EVP_CIPHER_CTX_new.restype = pointer
    c.EVP_CIPHER_CTX_new.argtypes = []
    c.EVP_CIPHER_CTX_free.restype = None
    c.EVP_CIPHER_CTX_free.argtypes = [pointer]
    c.EVP_aes_256_gcm.restype = pointer
    c.EVP_aes_256_gcm.argtypes = []
    c.EVP_CIPHER_CTX_ctrl.restype = length
    c.EVP_CIPHER_CTX_ctrl.argtypes = [pointer, length, length, pointer]
    for name in ("EVP_EncryptInit_ex", "EVP_DecryptInit_ex"):
        getattr(c, name).restype = length
        getattr(c, name).argtypes = [pointer, pointer, pointer, buffer, buffer]
    for name in ("EVP_EncryptUpdate", "EVP_DecryptUpdate"):
        getattr(c, name).restype = length
        getattr(c, name).argtypes = [pointer, pointer, ctypes.POINTER(length), buffer, length]
    for name in ("EVP_EncryptFinal_ex", "EVP_DecryptFinal_ex"):
        getattr(c, name).restype = length
        getattr(c, name).argtypes = [pointer, pointer, ctypes.POINTER(length)]
