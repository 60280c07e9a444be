// Signs a PDF with node's @signpdf (an independent signer for interop tests):
//   node signpdf.js IN.pdf SIGNER.p12 PASSFILE OUT.pdf [SUBFILTER]
// NODE_PATH must point at a node_modules with @signpdf/{signpdf,signer-p12,
// placeholder-plain} installed.
const fs = require('fs');
const signpdf = require('@signpdf/signpdf').default;
const { P12Signer } = require('@signpdf/signer-p12');
const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');

(async () => {
  const [inp, p12, passFile, out, subFilter] = process.argv.slice(2);
  const pdf = plainAddPlaceholder({
    pdfBuffer: fs.readFileSync(inp),
    reason: 'interop test', contactInfo: 'test', name: 'test', location: 'test',
    subFilter: subFilter || 'adbe.pkcs7.detached',
  });
  const signer = new P12Signer(fs.readFileSync(p12),
    { passphrase: fs.readFileSync(passFile, 'utf8').split('\n')[0] });
  fs.writeFileSync(out, await signpdf.sign(pdf, signer));
})().catch((e) => { console.error(e.message); process.exit(1); });
