// Peer signer for bench/sign.sh: node @signpdf (plain placeholder + P12).
//   node signpdf.js IN.pdf KEY.p12 PASSFILE OUT.pdf
const fs = require('fs');
const signpdf = require('@signpdf/signpdf').default;
const { P12Signer } = require('@signpdf/signer-p12');
const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');

(async () => {
  const [input, p12, passfile, output] = process.argv.slice(2);
  const passphrase = fs.readFileSync(passfile, 'utf8').split(/\r?\n/)[0];
  const pdf = plainAddPlaceholder({
    pdfBuffer: fs.readFileSync(input), reason: 'bench', contactInfo: '',
    name: 'bench', location: '', signatureLength: 16384,
  });
  const signed = await signpdf.sign(pdf, new P12Signer(fs.readFileSync(p12), { passphrase }));
  fs.writeFileSync(output, signed);
})().catch((e) => { console.error(e.message); process.exit(1); });
