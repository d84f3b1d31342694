"""Chat ids sealed for reminders and news: the OpenSSL cipher Safar reaches through `hashlib`
writes and reads exactly what `cryptography` did, so rows stored before (or after a rollback)
still open, and a changed row or another key is refused."""

import secrets

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.privacy import openssl_gcm
from bot.privacy.secret_keys import CHAT_ID_CONTEXT, NONCE_BYTES, ChatCipher, KeyProblem

KEY = bytes.fromhex("8f" * 32)


def sealed_by_cryptography(key: bytes, chat_id: int) -> bytes:
    """A chat id as every earlier version stored it."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, str(chat_id).encode(), CHAT_ID_CONTEXT)


@pytest.mark.parametrize("chat_id", [1, 4911, 987654321, -1001234567890, 2**52])
def test_chat_ids_stored_by_either_cipher_open_with_the_other(chat_id: int) -> None:
    cipher = ChatCipher(KEY)
    assert isinstance(cipher._aead(), openssl_gcm.OpenSSLGCM)
    assert cipher.open(sealed_by_cryptography(KEY, chat_id)) == chat_id
    sealed = cipher.seal(chat_id)
    nonce, rest = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    assert int(AESGCM(KEY).decrypt(nonce, rest, CHAT_ID_CONTEXT)) == chat_id
    assert rest == AESGCM(KEY).encrypt(nonce, str(chat_id).encode(), CHAT_ID_CONTEXT)


def test_a_changed_row_or_another_key_is_refused() -> None:
    sealed = ChatCipher(KEY).seal(4911)
    for position in (0, NONCE_BYTES, len(sealed) - 1):
        changed = bytearray(sealed)
        changed[position] ^= 0x01
        with pytest.raises(KeyProblem):
            ChatCipher(KEY).open(bytes(changed))
    with pytest.raises(KeyProblem):
        ChatCipher(bytes(32)).open(sealed)
    with pytest.raises(KeyProblem):
        ChatCipher(KEY).open(sealed[: NONCE_BYTES + 10])


def test_without_the_interpreters_openssl_cryptography_seals_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openssl_gcm.OpenSSLGCM, "library", staticmethod(lambda: None))
    cipher = ChatCipher(KEY)
    assert isinstance(cipher._aead(), AESGCM)
    assert cipher.open(sealed_by_cryptography(KEY, 4911)) == 4911
    assert ChatCipher(KEY).open(ChatCipher(KEY).seal(77)) == 77  # the other instance, same fallback
    with pytest.raises(KeyProblem):
        cipher.open(ChatCipher(bytes(32)).seal(4911))
