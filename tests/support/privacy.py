"""How a chat id could be written down: a copy of the disk or a log must hold none of these."""

import base64


def encodings_of(chat_id: int) -> dict[str, bytes]:
    text = str(chat_id).encode()
    packed = {f"integer ({size} bytes)": chat_id.to_bytes(size, "big") for size in (4, 6, 8)}
    return {
        "text": text,
        "utf-16 text": str(chat_id).encode("utf-16-le"),
        "hex": format(chat_id, "x").encode(),
        "HEX": format(chat_id, "X").encode(),
        "base64 of the text": base64.b64encode(text).rstrip(b"="),
        "base64 of the integer": base64.b64encode(chat_id.to_bytes(4, "big")).rstrip(b"="),
        **packed,
    }
