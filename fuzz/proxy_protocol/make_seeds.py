#!/usr/bin/env python3
"""Writes the seed corpus: PROXY v1 lines and v2 headers HAProxy sends, and one for each refusal path."""
import os
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def v2(ver_cmd, family, block):
    return SIG + bytes([ver_cmd, family]) + struct.pack(">H", len(block)) + block


V4 = socket.inet_pton(socket.AF_INET, "192.0.2.7") + socket.inet_pton(socket.AF_INET, "127.0.0.1") \
    + struct.pack(">HH", 50000, 2121)
V6 = socket.inet_pton(socket.AF_INET6, "2001:db8::7") + socket.inet_pton(socket.AF_INET6, "::1") \
    + struct.pack(">HH", 50000, 21)

seeds = {
    "v1_tcp4": b"PROXY TCP4 192.0.2.7 127.0.0.1 50000 2121\r\n",
    "v1_tcp6": b"PROXY TCP6 2001:db8::7 ::1 50000 21\r\n",
    "v1_tcp6_mapped": b"PROXY TCP6 ::ffff:192.0.2.7 ::1 1 21\r\n",
    "v1_unknown": b"PROXY UNKNOWN\r\n",
    "v1_unknown_long": b"PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n",
    "v1_bad_port": b"PROXY TCP4 192.0.2.7 127.0.0.1 65536 21\r\n",
    "v1_no_crlf": b"PROXY TCP4 192.0.2.7 127.0.0.1 1 21\n",
    "v2_tcp4": v2(0x21, 0x11, V4),
    "v2_tcp6": v2(0x21, 0x21, V6),
    "v2_local": v2(0x20, 0x00, b""),
    "v2_unspec": v2(0x21, 0x00, b""),
    "v2_tlv": v2(0x21, 0x11, V4 + b"\x04\x00\x01x"),
    "v2_unix": v2(0x21, 0x31, b"a" * 216),
    "v2_too_long": v2(0x21, 0x11, V4 + b"\x00" * 300),
    "v2_short_block": v2(0x21, 0x11, V4[:11]),
    "v2_bad_version": v2(0x11, 0x11, V4),
}
os.makedirs(os.path.join(HERE, "corpus"), exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(HERE, "corpus", name), "wb") as f:
        f.write(data)
