/* libFuzzer harness: issue.conf from the fuzzer's bytes (gaz_config_parse),
 * checked with gaz_issue_check against one fixed document.  Font paths
 * are looked up like compile does (relative to the working directory):
 * anything that is not a regular file is only stat()ed, regular files have
 * their first 12 bytes read. */
#include "gazette/issue.h"

#include <string.h>

static const char doc[] =
	"索引号：112103000012345678/2023-00017\n发文字号：鞍政办公开〔2023〕17号\n"
	"文件标题：鞍山市关于持续深化政务公开的方案\n发布机构：鞍山市人民政府办公室\n"
	"成文日期：2023-07-03\n发布日期：2023-07-04\n有效性：有效\n栏目：政府办公室文件\n\n"
	"各县（市）区人民政府，市政府各部门：\n现将当前重点工作任务分解如下。\n"
	"鞍山市人民政府办公室\n2023年7月3日\n";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static char dir[] = "/nonexistent-gazette-fuzz";
	struct gaz_diags d = { 0 };
	struct gaz_issue is;
	struct gaz_doc one;
	int have_doc = 0;

	if (size > GAZ_CONF_MAX_BYTES)
		return 0;
	memset(&is, 0, sizeof is);
	memset(&one, 0, sizeof one);
	is.dir = dir;
	if (gaz_config_parse("issue.conf", (const char *)data, size, &is.cfg, &d))
		goto end;
	if (gaz_doc_parse("fuzz/01.txt", doc, sizeof doc - 1, &one, &d))
		goto end;
	have_doc = 1;
	is.docs = &one;
	is.n_docs = 1;
	gaz_issue_check(&is, &d);
end:
	if (have_doc)
		gaz_doc_release(&one);
	gaz_config_release(&is.cfg);
	gaz_diags_release(&d);
	return 0;
}
