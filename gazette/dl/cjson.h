/* cJSON: `--json` output, the JSON API and its client (`verify --archive
 * URL`).  Loaded on first use: see gazette/dl/dl.h (`gazette verify` without
 * --json or --archive never needs it).  Include this instead of
 * <cjson/cJSON.h>; call gaz_dl_cjson() before the first call.  The CLI loads
 * it for every command but verify (gazette/cli/main.c); the library's
 * entry points that produce or read JSON load it themselves. */
#ifndef GAZETTE_DL_CJSON_H
#define GAZETTE_DL_CJSON_H

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "gazette/base.h"
#include "gazette/dl/dl.h"

#define GAZ_DL_CJSON_SONAME "libcjson.so.1"
#define GAZ_DL_CJSON_PACKAGE "libcjson1"

#define GAZ_DL_CJSON_FUNCS(X) \
	X(cJSON_AddArrayToObject) \
	X(cJSON_AddBoolToObject) \
	X(cJSON_AddItemToArray) \
	X(cJSON_AddItemToObject) \
	X(cJSON_AddNullToObject) \
	X(cJSON_AddNumberToObject) \
	X(cJSON_AddObjectToObject) \
	X(cJSON_AddStringToObject) \
	X(cJSON_CreateArray) \
	X(cJSON_CreateNull) \
	X(cJSON_CreateNumber) \
	X(cJSON_CreateObject) \
	X(cJSON_CreateString) \
	X(cJSON_Delete) \
	X(cJSON_GetArrayItem) \
	X(cJSON_GetArraySize) \
	X(cJSON_GetObjectItem) \
	X(cJSON_GetObjectItemCaseSensitive) \
	X(cJSON_IsArray) \
	X(cJSON_IsNumber) \
	X(cJSON_IsObject) \
	X(cJSON_IsString) \
	X(cJSON_Parse) \
	X(cJSON_ParseWithLength) \
	X(cJSON_Print) \
	X(cJSON_PrintUnformatted)

GAZ_DL_DECLARE(cjson, GAZ_DL_CJSON_FUNCS);

#ifndef GAZ_DL_TABLES
#define cJSON_AddArrayToObject (*gaz_dl_cjson_fn.cJSON_AddArrayToObject)
#define cJSON_AddBoolToObject (*gaz_dl_cjson_fn.cJSON_AddBoolToObject)
#define cJSON_AddItemToArray (*gaz_dl_cjson_fn.cJSON_AddItemToArray)
#define cJSON_AddItemToObject (*gaz_dl_cjson_fn.cJSON_AddItemToObject)
#define cJSON_AddNullToObject (*gaz_dl_cjson_fn.cJSON_AddNullToObject)
#define cJSON_AddNumberToObject (*gaz_dl_cjson_fn.cJSON_AddNumberToObject)
#define cJSON_AddObjectToObject (*gaz_dl_cjson_fn.cJSON_AddObjectToObject)
#define cJSON_AddStringToObject (*gaz_dl_cjson_fn.cJSON_AddStringToObject)
#define cJSON_CreateArray (*gaz_dl_cjson_fn.cJSON_CreateArray)
#define cJSON_CreateNull (*gaz_dl_cjson_fn.cJSON_CreateNull)
#define cJSON_CreateNumber (*gaz_dl_cjson_fn.cJSON_CreateNumber)
#define cJSON_CreateObject (*gaz_dl_cjson_fn.cJSON_CreateObject)
#define cJSON_CreateString (*gaz_dl_cjson_fn.cJSON_CreateString)
#define cJSON_Delete (*gaz_dl_cjson_fn.cJSON_Delete)
#define cJSON_GetArrayItem (*gaz_dl_cjson_fn.cJSON_GetArrayItem)
#define cJSON_GetArraySize (*gaz_dl_cjson_fn.cJSON_GetArraySize)
#define cJSON_GetObjectItem (*gaz_dl_cjson_fn.cJSON_GetObjectItem)
#define cJSON_GetObjectItemCaseSensitive (*gaz_dl_cjson_fn.cJSON_GetObjectItemCaseSensitive)
#define cJSON_IsArray (*gaz_dl_cjson_fn.cJSON_IsArray)
#define cJSON_IsNumber (*gaz_dl_cjson_fn.cJSON_IsNumber)
#define cJSON_IsObject (*gaz_dl_cjson_fn.cJSON_IsObject)
#define cJSON_IsString (*gaz_dl_cjson_fn.cJSON_IsString)
#define cJSON_Parse (*gaz_dl_cjson_fn.cJSON_Parse)
#define cJSON_ParseWithLength (*gaz_dl_cjson_fn.cJSON_ParseWithLength)
#define cJSON_Print (*gaz_dl_cjson_fn.cJSON_Print)
#define cJSON_PrintUnformatted (*gaz_dl_cjson_fn.cJSON_PrintUnformatted)

/* A string member, null for NULL.  JSON text is UTF-8: a value that is not
 * (a file name is bytes) has each invalid sequence shown as U+FFFD.  Out
 * of memory, the member is left out, as cJSON itself does. */
static inline void gaz_json_add_text(cJSON *o, const char *k, const char *v)
{
	char *fixed;

	if (!v)
		cJSON_AddNullToObject(o, k);
	else if (!gaz_utf8_validate((const unsigned char *)v, strlen(v), NULL))
		cJSON_AddStringToObject(o, k, v);
	else if ((fixed = gaz_utf8_repair(v))) {
		cJSON_AddStringToObject(o, k, fixed);
		free(fixed);
	}
}
#endif

#endif
