#!/usr/bin/env python3
# bench/mail-gen.py — writes N distinct "typical" inbound messages for bench/mail.sh: about
# 30 KB each, multipart/mixed with a text/plain + text/html alternative (a quoted reply below
# the new text) and one base64 PDF-like attachment of ~20 KB. Distinct Message-IDs, senders
# and subjects; a fixed seed keeps runs comparable.
# Usage: bench/mail-gen.py N OUTDIR
import base64
import os
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
rnd = random.Random(42)
words = ("printer invoice account password refund order delivery broken screen login error "
         "update please help thanks urgent customer support ticket problem since yesterday").split()


def para(k):
    return " ".join(rnd.choice(words) for _ in range(k)).capitalize() + "."


for i in range(n):
    text = "\n\n".join(para(40) for _ in range(4))
    quoted = "\n".join("> " + para(12) for _ in range(20))
    html = "".join(f"<p>{para(40)}</p>" for _ in range(4))
    att = base64.encodebytes(rnd.randbytes(20 * 1024)).decode()
    msg = f"""From: Customer {i} <customer{i % 300}@example.org>
To: Support <support@helpo.test>
Subject: Bench message {i}: {para(5)}
Date: Mon, 23 Nov 2026 08:00:00 +0000
Message-ID: <bench-{i}-{rnd.getrandbits(64):016x}@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix-{i}"

--mix-{i}
Content-Type: multipart/alternative; boundary="alt-{i}"

--alt-{i}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{text}

On Sunday, Support wrote:
{quoted}

--alt-{i}
Content-Type: text/html; charset=utf-8

<html><body>{html}<blockquote>{quoted.replace(chr(10), '<br>')}</blockquote></body></html>

--alt-{i}--

--mix-{i}
Content-Type: application/pdf; name="report-{i}.pdf"
Content-Disposition: attachment; filename="report-{i}.pdf"
Content-Transfer-Encoding: base64

{att}
--mix-{i}--
"""
    with open(os.path.join(out, f"{i:06d}.eml"), "w", newline="\r\n") as f:
        f.write(msg)
