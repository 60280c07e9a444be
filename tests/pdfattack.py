#!/usr/bin/env python3
"""Makes attack variants of a signed PDF (classic xref tables), one file each.

  pdfattack.py SIGNED.pdf OUTDIR [--certified]
  pdfattack.py dss SIGNED.pdf CERT.der OUT.pdf      (a legitimate /DSS update)
  pdfattack.py dts SIGNED.pdf TSA.pem TSA.key PASSFILE CHAIN.pem OUT.pdf [--visible]
                                                    (a document timestamp update)

Every file written must be reported invalid by `gazette verify`; the name
says which attack (docs/verify.md lists them).  The page is object 3, its
content stream object 4, the font object 6 and (--certified) a text field
object 7, as tests/pdfgen.py writes them.
"""
import os
import re
import sys


def last_sig(data):
    """(ByteRange span, Contents span) of the last signature dictionary."""
    i = data.rfind(b"/ByteRange")
    m = re.compile(rb"/ByteRange\s*(\[[^\]]*\])").match(data, i)
    br = (m.start(1), m.end(1))
    nums = [int(x) for x in data[br[0] + 1:br[1] - 1].split()]
    b, c = nums[1], nums[2]
    assert data[b:b + 1] == b"<" and data[c - 1:c] == b">", "unexpected layout"
    return br, (b, c), nums


def startxref(data):
    m = list(re.finditer(rb"startxref\s+(\d+)\s+%%EOF", data))[-1]
    return int(m.group(1)), m


def fix_xref(data, pos, delta):
    """After inserting delta bytes at pos (inside the last revision), shift
    the last xref table's offsets beyond pos and its startxref."""
    x, m = startxref(data)
    x_new = x + delta if x >= pos else x
    data = data[:m.start(1)] + b"%d" % x_new + data[m.end(1):]
    head = data[x_new:]
    assert head.startswith(b"xref"), "fix_xref needs a classic xref table"
    end = head.find(b"trailer")

    def shift(mm):
        off = int(mm.group(1))
        if off > pos:
            off += delta
        return b"%010d" % off + mm.group(2)

    table = re.sub(rb"(\d{10})( \d{5} n)", shift, head[:end])
    return data[:x_new] + table + head[end:]


def replace(data, span, new, pad=True):
    old = span[1] - span[0]
    if pad and len(new) <= old:
        new = new + b" " * (old - len(new))
        return data[:span[0]] + new + data[span[1]:]
    out = data[:span[0]] + new + data[span[1]:]
    return fix_xref(out, span[0], len(new) - old)


def latest_obj(data, num):
    ms = list(re.finditer(rb"(?:^|[\r\n])%d 0 obj\s*(.*?)\s*endobj" % num, data, re.S))
    return ms[-1].group(1)


def append_update(data, objs):
    """Appends an incremental update with the given {num: body} objects."""
    prev, _ = startxref(data)
    trailers = list(re.finditer(rb"trailer\s*<<(.*?)>>\s*startxref", data, re.S))
    t = trailers[-1].group(1)
    size = int(re.search(rb"/Size\s+(\d+)", t).group(1))
    root = re.search(rb"/Root\s+(\d+ \d+ R)", t).group(1)
    if not data.endswith(b"\n"):
        data += b"\n"
    out = bytearray(data)
    offs = {}
    for num in sorted(objs):
        offs[num] = len(out)
        body = objs[num]
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    x = len(out)
    out += b"xref\n"
    for num in sorted(objs):
        out += b"%d 1\n%010d 00000 n \n" % (num, offs[num])
    size = max(size, max(objs) + 1) if objs else size
    out += b"trailer\n<</Size %d/Root %s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, prev, x)
    return bytes(out)


def stream(dict_, payload):
    return b"<<" + dict_ + b"/Length %d>>\nstream\n" % len(payload) + payload + b"\nendstream"


def next_num(data):
    t = list(re.finditer(rb"/Size\s+(\d+)", data))[-1]
    return int(t.group(1))


def with_annot(page_body, ref):
    m = re.search(rb"/Annots\s*\[([^\]]*)\]", page_body)
    if m:
        return page_body[:m.end(1)] + b" " + ref + page_body[m.end(1):]
    return page_body[:-2] + b"/Annots[" + ref + b"]>>"


def attacks(data, certified):
    br, gap, nums = last_sig(data)
    b, c, d = nums[1], nums[2], nums[3]
    out = {}

    # byte flips: inside the first range (a whitespace byte and a comment byte),
    # inside the second range, inside the gap (the CMS and its zero padding)
    i = data.find(b"endobj") - 1
    out["flip-range1-ws"] = data[:i] + b" " + data[i + 1:]
    out["flip-range1-comment"] = data[:10] + bytes([data[10] ^ 1]) + data[11:]
    j = data.find(b"endobj", c) - 1
    out["flip-range2-ws"] = data[:j] + (b" " if data[j:j + 1] != b" " else b"\n") + data[j + 1:]
    hexs = data[b + 1:c - 1]
    der_len = 4 + int(hexs[4:8], 16)  # 30 82 LL LL
    k = b + 1 + 2 * der_len - 20
    out["flip-gap-cms"] = data[:k] + (b"1" if data[k:k + 1] != b"1" else b"2") + data[k + 1:]
    if 2 * der_len + 10 < len(hexs):
        k = b + 1 + 2 * der_len + 6
        out["flip-gap-padding"] = data[:k] + b"7" + data[k + 1:]

    # Universal Signature Forgery variants
    cpos = data.rfind(b"/Contents", 0, b)
    out["usf-contents-missing"] = data[:cpos] + b"/Contentz" + data[cpos + 9:]
    out["usf-contents-empty"] = replace(data, gap, b"<>")
    out["usf-contents-null"] = replace(data, gap, b"null")
    out["usf-contents-zeros"] = data[:b + 1] + b"0" * (c - b - 2) + data[c - 1:]
    bpos = data.rfind(b"/ByteRange", 0, br[0] + 1)
    out["usf-byterange-missing"] = data[:bpos] + b"/ByteRangx" + data[bpos + 10:]
    out["usf-byterange-null"] = replace(data, br, b"null")
    out["usf-byterange-not-zero"] = replace(data, br, b"[1 %d %d %d]" % (b - 1, c, d))
    out["usf-byterange-overlap"] = replace(data, br, b"[0 %d %d %d]" % (c + 10, c, d))
    out["usf-byterange-gap-bigger"] = replace(data, br, b"[0 %d %d %d]" % (b - 10, c, d))
    out["usf-byterange-six"] = replace(data, br, b"[0 %d %d %d 0 0]" % (b, c, d))
    out["usf-byterange-negative"] = replace(data, br, b"[0 -%d %d %d]" % (b, c, d))
    out["usf-byterange-short"] = replace(data, br, b"[0 %d %d %d]" % (b, c, d - 1))
    out["usf-byterange-beyond"] = replace(data, br, b"[0 %d %d %d]" % (b, c, d + 100))
    out["usf-byterange-reals"] = replace(data, br, b"[0 %d.0 %d %d]" % (b, c, d))

    # Incremental Saving Attacks: appended revisions
    forged = b"BT /F1 24 Tf 72 700 Td (FORGED: pay 1,000,000 to Mallory) Tj ET"
    out["isa-content"] = append_update(data, {4: stream(b"", forged)})
    n = next_num(data)
    page = latest_obj(data, 3)
    out["isa-annot"] = append_update(data, {
        3: with_annot(page, b"%d 0 R" % n),
        n: b"<</Type/Annot/Subtype/FreeText/Rect[72 500 500 540]/Contents(FORGED)"
           b"/DA(/Helv 14 Tf 1 0 0 rg)/P 3 0 R>>"})
    out["isa-repoint-font"] = append_update(
        data, {6: b"<</Type/Font/Subtype/Type1/BaseFont/Courier>>"})
    # an xref entry for the content stream that points at the font's bytes
    font_off = list(re.finditer(rb"(?:^|\n)(6 0 obj)", data))[-1].start(1)
    upd = append_update(data, {4: b"null"})
    x, _ = startxref(upd)
    upd = upd[:x] + re.sub(rb"4 1\n\d{10}", b"4 1\n%010d" % font_off, upd[x:], count=1)
    out["isa-repoint-other-object"] = upd
    cat = latest_obj(data, 1)
    fields = re.search(rb"/Fields\s*\[([^\]]*)\]", cat)
    newcat = cat[:fields.end(1)] + b" %d 0 R" % n + cat[fields.end(1):]
    out["isa-new-sig-field"] = append_update(data, {
        1: newcat,
        n: b"<</Type/Annot/Subtype/Widget/FT/Sig/T(Approval)/Rect[0 0 0 0]/F 132/P 3 0 R"
           b"/V %d 0 R>>" % (n + 1),
        n + 1: b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/adbe.pkcs7.detached"
               b"/ByteRange[0 10 20 30]/Contents<" + b"0" * 64 + b">>>"})
    out["isa-fake-doc-timestamp"] = append_update(data, {
        1: newcat,
        n: b"<</Type/Annot/Subtype/Widget/FT/Sig/T(DTS)/Rect[0 0 0 0]/F 132/P 3 0 R"
           b"/V %d 0 R>>" % (n + 1),
        n + 1: b"<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161"
               b"/ByteRange[0 10 20 30]/Contents<" + b"0" * 64 + b">>>"})
    out["isa-dss-and-content"] = append_update(data, {
        1: cat[:-2] + b"/DSS %d 0 R>>" % n,
        n: b"<</Certs[]>>",
        4: stream(b"", forged)})
    out["isa-orphan-object"] = append_update(data, {n: stream(b"", forged)})
    out["isa-catalog-openaction"] = append_update(data, {
        1: cat[:-2] + b"/OpenAction<</S/JavaScript/JS(app.alert\\(1\\))>>>>"})
    out["isa-delete-object"] = append_update(data, {})  # placeholder, fixed below
    x, _ = startxref(out["isa-delete-object"])
    t = out["isa-delete-object"]
    out["isa-delete-object"] = t[:x] + t[x:].replace(b"xref\n", b"xref\n6 1\n0000000000 00001 f \n", 1)
    out["trailing-bytes"] = data + b"\n4 0 obj\n<</Length 3>>\nstream\nabc\nendstream\nendobj\n"

    # Signature Wrapping: attacker objects placed in a widened gap
    evil = b"/Attacker(" + forged + b")"
    swa = data[:c] + evil + data[c:]
    swa = fix_xref(swa, c, len(evil))
    br2 = replace(swa, br, b"[0 %d %d %d]" % (b, c + len(evil), d))
    out["swa-gap-widened"] = br2
    # ... and with the ByteRange left alone (the second range now shifted)
    out["swa-inserted-in-range2"] = swa

    if certified:
        field = latest_obj(data, 7)
        out["certified-p1-form-fill"] = append_update(
            data, {7: field.replace(b"/V(100)", b"/V(999)")})
        out["certified-p1-new-annot"] = out["isa-annot"]
    return out


def dss_update(data, cert_der):
    n = next_num(data)
    cat = latest_obj(data, 1)
    return append_update(data, {
        1: cat[:-2] + b"/DSS %d 0 R>>" % n,
        n: b"<</Type/DSS/Certs[%d 0 R]>>" % (n + 1),
        n + 1: stream(b"", cert_der)})


def dts_update(data, tsa_cert, tsa_key, pass_file, chain, workdir, visible=False):
    """Appends a document timestamp (ETSI.RFC3161) made with `openssl ts`."""
    import subprocess
    n = next_num(data)
    cat = latest_obj(data, 1)
    fields = re.search(rb"/Fields\s*\[([^\]]*)\]", cat)
    newcat = cat[:fields.end(1)] + b" %d 0 R" % n + cat[fields.end(1):]
    rect = b"[72 72 300 120]" if visible else b"[0 0 0 0]"
    hexlen = 16384
    placeholder_br = b"[0 0000000000 0000000000 0000000000]"
    upd = append_update(data, {
        1: newcat,
        3: with_annot(latest_obj(data, 3), b"%d 0 R" % n),
        n: b"<</Type/Annot/Subtype/Widget/FT/Sig/T(DocTimeStamp1)/Rect" + rect +
           b"/F 4/P 3 0 R/V %d 0 R>>" % (n + 1),
        n + 1: b"<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161/ByteRange" +
               placeholder_br + b"/Contents<" + b"0" * hexlen + b">>>"})
    br_at = upd.rfind(placeholder_br)
    b = upd.find(b"<", br_at + len(placeholder_br))
    c = b + hexlen + 2
    d = len(upd) - c
    br = b"[0 %d %d %d]" % (b, c, d)
    upd = upd[:br_at] + br + b" " * (len(placeholder_br) - len(br)) + upd[br_at + len(placeholder_br):]
    signed = os.path.join(workdir, "dts-data.bin")
    open(signed, "wb").write(upd[:b] + upd[c:])
    conf = os.path.join(workdir, "ts.cnf")
    open(conf, "w").write(
        "[tsa]\ndefault_tsa = t\n[t]\nserial = %s/ts-serial\ndefault_policy = 1.2.3.4.1\n"
        "digests = sha256\naccuracy = secs:1\ness_cert_id_alg = sha256\n"
        "signer_digest = sha256\ncerts = %s\n" % (workdir, chain))
    open(os.path.join(workdir, "ts-serial"), "w").write("01\n")
    q = os.path.join(workdir, "dts.tsq")
    tok = os.path.join(workdir, "dts.tok")
    subprocess.run(["openssl", "ts", "-query", "-data", signed, "-sha256", "-cert", "-no_nonce",
                    "-out", q], check=True)
    subprocess.run(["openssl", "ts", "-reply", "-config", conf, "-queryfile", q, "-signer", tsa_cert,
                    "-inkey", tsa_key, "-passin", "file:" + pass_file, "-token_out", "-out", tok],
                   check=True, stderr=subprocess.DEVNULL)
    token = open(tok, "rb").read().hex().encode()
    assert len(token) <= hexlen
    return upd[:b + 1] + token + b"0" * (hexlen - len(token)) + upd[c - 1:]


def main():
    if sys.argv[1] == "dts":
        data = open(sys.argv[2], "rb").read()
        tsa_cert, tsa_key, pass_file, chain, out = sys.argv[3:8]
        visible = "--visible" in sys.argv
        blob = dts_update(data, tsa_cert, tsa_key, pass_file, chain, os.path.dirname(out) or ".",
                          visible)
        open(out, "wb").write(blob)
        return
    if sys.argv[1] == "dss":
        data = open(sys.argv[2], "rb").read()
        der = open(sys.argv[3], "rb").read()
        open(sys.argv[4], "wb").write(dss_update(data, der))
        return
    data = open(sys.argv[1], "rb").read()
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    for name, blob in attacks(data, "--certified" in sys.argv).items():
        open(os.path.join(outdir, name + ".pdf"), "wb").write(blob)


if __name__ == "__main__":
    main()
