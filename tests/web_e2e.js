// End-to-end in headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, with JavaScript DISABLED in the pages: open home, search
// 规范性文件, open a document, download the issue PDF, upload a tampered
// PDF to the verify page and see it rejected, upload the downloaded one
// and see it accepted; screenshots of each step (desktop and phone).
//   node web_e2e.js BASE_URL OUTDIR TAMPERED.pdf
// Writes OUTDIR/downloaded.pdf and OUTDIR/*.png; exits non-zero on failure.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const [base, outdir, tampered] = process.argv.slice(2);
let failures = 0, checks = 0;
function check(cond, what) {
	checks++;
	if (!cond) {
		failures++;
		console.error('FAIL: ' + what);
	}
}

(async () => {
	const profile = fs.mkdtempSync(path.join(outdir, 'profile-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: '/usr/bin/chromium',
		headless: true,
		javaScriptEnabled: false,          // the site must work without script
		acceptDownloads: true,
		viewport: { width: 1200, height: 900 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const page = ctx.pages()[0] || await ctx.newPage();
	const problems = [];
	page.on('console', m => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', e => problems.push(String(e)));
	// a download ends its navigation as an aborted request: not a problem
	page.on('requestfailed', r => { if (!r.url().endsWith('.pdf')) problems.push('request failed: ' + r.url()); });
	const shot = name => page.screenshot({ path: path.join(outdir, name + '.png'), fullPage: true });

	// home
	let resp = await page.goto(base + '/');
	check(resp.status() === 200, 'home status');
	check(await page.getAttribute('html', 'lang') === 'zh-CN', 'lang zh-CN');
	check((await page.textContent('h1')).includes('最新各期'), 'home heading');
	check(await page.locator('header nav a').count() >= 4, 'navigation');
	await shot('1-home');

	// search from the header form (a plain GET form)
	await page.fill('#q-top', '规范性文件');
	await Promise.all([page.waitForNavigation(), page.click('form.quick button')]);
	check(page.url().includes('/search?q='), 'search URL ' + page.url());
	const hits = await page.locator('ol.results li').count();
	check(hits >= 3, 'search hits: ' + hits);
	const marks = await page.locator('ol.results mark').allTextContents();
	check(marks.length > 0 && marks.every(t => '规范性文件'.includes(t) || t.includes('规范')),
	      'highlighted matches: ' + marks.slice(0, 5).join(','));
	await shot('2-search');

	// open the first result
	await Promise.all([page.waitForNavigation(), page.click('ol.results li a >> nth=0')]);
	check(page.url().includes('/docs/'), 'document URL ' + page.url());
	const title = await page.textContent('article h1');
	check(title && title.length > 5, 'document title');
	check(await page.locator('table.meta th[scope=row]').count() >= 9, 'catalog table');
	check((await page.textContent('main')).includes('校验码'), 'verification code shown');
	await shot('3-document');

	// its issue, then download the current signed PDF
	await Promise.all([page.waitForNavigation(), page.click('text=2023年第7期 >> nth=0')]);
	check(page.url().endsWith('/issues/2023/7'), 'issue URL ' + page.url());
	await shot('4-issue');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.click('text=下载签名PDF'),
	]);
	const saved = path.join(outdir, 'downloaded.pdf');
	await download.saveAs(saved);
	check(download.suggestedFilename().endsWith('2023年第7期（第2版）.pdf'),
	      'download file name ' + download.suggestedFilename());
	check(fs.readFileSync(saved).subarray(0, 5).toString() === '%PDF-', 'downloaded a PDF');

	// verify page: a tampered file is rejected
	await page.goto(base + '/verify');
	check(await page.locator('label[for=file]').count() === 1, 'upload field has a label');
	await page.setInputFiles('#file', tampered);
	await Promise.all([page.waitForNavigation(), page.click('form[enctype] button')]);
	let verdict = await page.textContent('section.verdict');
	check(verdict.includes('✘'), 'tampered PDF rejected: ' + verdict.slice(0, 80));
	check(await page.locator('section.verdict.bad').count() === 1, 'rejection styled as bad');
	await shot('5-verify-tampered');

	// the downloaded file is recognised (current version 2; one document repealed)
	await page.goto(base + '/verify');
	await page.setInputFiles('#file', saved);
	await Promise.all([page.waitForNavigation(), page.click('form[enctype] button')]);
	verdict = await page.textContent('section.verdict');
	check(verdict.includes('文件真实'), 'downloaded PDF recognised: ' + verdict.slice(0, 80));
	check((await page.textContent('main')).includes('有效：1 个签名'), 'signature valid');
	await shot('6-verify-downloaded');

	// the same pages on a phone
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(base + '/issues/2023/7');
	await shot('7-phone-issue');
	await page.goto(base + '/');
	await shot('8-phone-home');

	check(problems.length === 0, 'browser errors: ' + problems.join(' | '));
	await ctx.close();
	fs.rmSync(profile, { recursive: true, force: true });
	console.log(`${checks - failures} passed, ${failures} failed`);
	process.exit(failures ? 1 : 0);
})().catch(e => {
	console.error('FAIL: ' + (e && e.stack || e));
	process.exit(1);
});
