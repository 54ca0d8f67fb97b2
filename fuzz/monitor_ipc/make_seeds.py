#!/usr/bin/env python3
"""Writes the seed corpus: one valid message of each type, in the wire format of daemon/ipc/wire.hpp."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def message(mtype, body):
    return struct.pack("<BBHI", 1, mtype, 0, len(body)) + body


def text(s):
    b = s.encode()
    return struct.pack("<I", len(b)) + b


def event():
    return (text("STOR") + text("a b;$(x)%u.txt") + text("STOR a b;$(x)%u.txt") + text("/up/a b;$(x)%u.txt")
            + text("") + text("/up") + struct.pack("<H", 226) + text("Transfer complete")
            + struct.pack("<QQ", 1024, 0) + b"\x01" + struct.pack("<Q", 1024) + b"\x00"
            + struct.pack("<Q", 12) + b"\x01" + text("") + b"\x01" + struct.pack("<H", 40000)
            + struct.pack("<QQQ", 100, 2000, 3))


seeds = {
    "auth_request": message(1, text("alice") + text("secret")),
    "handover_request": message(2, text("TYPE I\r\nPWD\r\n") + b"\x01\x01" + struct.pack("<QQ", 40, 80)
                                + struct.pack("<H", 1) + text("welcome")),
    "hook_request": message(3, b"\x02" + event()),
    "data_socket_request": message(4, struct.pack("<H", 20) + text("192.0.2.7") + struct.pack("<H", 40000)),
    "data_socket_request_v6": message(4, struct.pack("<H", 20) + text("2001:db8::7") + struct.pack("<H", 1024)),
    "session_end": message(5, text("QUIT")),
    "auth_answer": message(64, b"\x00" + text("")),
    "hook_answer": message(65, struct.pack("<H", 2) + text("one") + text("two")),
    "data_socket_answer": message(66, b"\x00" + text("bind: Address already in use")),
    "signature_request_ecdsa": message(7, b"\x01" + text("d" * 32)),
    "signature_request_pss": message(7, b"\x02" + struct.pack("<I", 256) + b"\x00" + b"\x5a" * 254 + b"\xbc"),
    "signature_answer": message(67, text("0" * 72)),
    "key_client": message(112, b""),
    "key_status": message(113, b"\x00" + text("certificate /etc/c.pem has expired")),
    "log_record": message(6, b"\x00\x02" + text("RETR /a.txt: 12 bytes\nforged line\x1b[2J")),
    "log_record_transfer": message(6, b"\x01\x03" + text("Thu Jan  1 00:00:01 2026 1 127.0.0.1 12 /a.txt b _ o r alice ftp 0 * c")),
    "login_count_request": message(96, text("ftp") + text("anonymous")),
    "login_count_answer": message(97, b"\x00" + text("MaxClientsPerUser")
                                  + text("Sorry, the maximum number of clients (1) for this user are already connected.")),
    "proxied_client": message(98, text("2001:db8::7") + struct.pack("<H", 50123)),
    "proxied_client_answer": message(99, b"\x00" + text("MaxClientsPerHost")
                                     + text("Sorry, the maximum number of clients (1) from your host are already connected.")),
    "session_event": message(100, b"\x01" + struct.pack("<Q", 1)),
    "session_event_upload_bytes": message(100, b"\x0d" + struct.pack("<Q", 5 << 32)),
    "transfer_report": message(144, b"\x01\x03" + struct.pack("<Q", 4096)),
    "worker_activity": message(101, text("RETR big.bin") + struct.pack("<QQ", 4096, 65536) + b"\x01"),
    "session_activity": message(102, text("LIST") + struct.pack("<QQ", 0, 0) + b"\x00"),
}
# What the decoder must refuse: one seed for each of its error paths.
seeds.update({
    "bad_version": struct.pack("<BBHI", 2, 1, 0, 0),
    "unknown_type": message(9, b""),
    "reserved_nonzero": struct.pack("<BBHI", 1, 5, 7, 4) + b"\0\0\0\0",
    "length_mismatch": struct.pack("<BBHI", 1, 5, 0, 99) + text("x"),
    "trailing_bytes": message(4, struct.pack("<H", 20) + text("127.0.0.1") + struct.pack("<H", 40000) + b"\0"),
    "target_address_too_long": message(4, struct.pack("<H", 20) + text("1" * 65) + struct.pack("<H", 40000)),
    "bad_admitted_flag": message(97, b"\x02" + text("") + text("")),
    "field_past_end": message(1, struct.pack("<I", 0xFFFFFFF0) + b"alice"),
    "user_too_long": message(1, text("u" * 300) + text("pw")),
    "bad_hook_point": message(3, b"\x7f" + event()),
    "bad_login_status": message(64, b"\x09" + text("")),
    "short_header": b"\x01\x01\x00",
    "bad_sign_scheme": message(7, b"\x09" + text("d" * 32)),
    "sign_input_too_long": message(7, b"\x02" + text("x" * 2049)),
    "too_many_hook_lines": message(65, struct.pack("<H", 65) + text("x") * 65),
    "bad_session_event_kind": message(100, b"\x0e" + struct.pack("<Q", 1)),
    "bad_transfer_status": message(144, b"\x00\x00" + struct.pack("<Q", 1)),
    "bad_log_kind": message(6, b"\x02\x02" + text("x")),
    "bad_log_level": message(6, b"\x00\x05" + text("x")),
    "log_text_too_long": message(6, b"\x00\x02" + text("x" * 8193)),
    # the PAM helper's answer (daemon/monitor/pam_answer.hpp)
    "pam_answer_account_disabled": message(122, b"\x03" + text("pam_acct_mgmt: User account has expired")),
    "pam_answer_unknown_result": message(122, b"\x06" + text("")),
})
os.makedirs(os.path.join(HERE, "corpus"), exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(HERE, "corpus", name), "wb") as f:
        f.write(data)
