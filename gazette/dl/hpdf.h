/* libharu, the PDF writer: compile and publish.
 * Loaded on first use: see gazette/dl/dl.h.  Include this
 * instead of <hpdf.h>; call gaz_dl_hpdf() before the first call. */
#ifndef GAZETTE_DL_HPDF_H
#define GAZETTE_DL_HPDF_H

#include <hpdf.h>
#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <hpdf_version.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_HPDF_SONAME "libhpdf-2.3.0.so"
#define GAZ_DL_HPDF_PACKAGE "libhpdf-2.3.0"

#define GAZ_DL_HPDF_FUNCS(X) \
	X(HPDF_AddPage) \
	X(HPDF_Array_Add) \
	X(HPDF_Array_AddName) \
	X(HPDF_Array_AddNumber) \
	X(HPDF_Array_AddReal) \
	X(HPDF_Array_New) \
	X(HPDF_Binary_New) \
	X(HPDF_CreateOutline) \
	X(HPDF_Destination_SetFitH) \
	X(HPDF_DictStream_New) \
	X(HPDF_Dict_Add) \
	X(HPDF_Dict_AddName) \
	X(HPDF_Dict_AddNumber) \
	X(HPDF_Dict_GetItem) \
	X(HPDF_Dict_New) \
	X(HPDF_Dict_RemoveElement) \
	X(HPDF_Doc_RegisterFontDef) \
	X(HPDF_Free) \
	X(HPDF_GetFont) \
	X(HPDF_GetStreamSize) \
	X(HPDF_LinkAnnot_SetBorderStyle) \
	X(HPDF_MemStream_FreeData) \
	X(HPDF_MemStream_GetBufCount) \
	X(HPDF_MemStream_GetBufPtr) \
	X(HPDF_MemStream_New) \
	X(HPDF_New) \
	X(HPDF_Outline_SetOpened) \
	X(HPDF_Page_BeginText) \
	X(HPDF_Page_CreateDestination) \
	X(HPDF_Page_CreateLinkAnnot) \
	X(HPDF_Page_EndText) \
	X(HPDF_Page_ExecuteXObject) \
	X(HPDF_Page_Fill) \
	X(HPDF_Page_LineTo) \
	X(HPDF_Page_MoveTo) \
	X(HPDF_Page_Rectangle) \
	X(HPDF_Page_SetCharSpace) \
	X(HPDF_Page_SetFontAndSize) \
	X(HPDF_Page_SetHeight) \
	X(HPDF_Page_SetLineWidth) \
	X(HPDF_Page_SetRGBFill) \
	X(HPDF_Page_SetRGBStroke) \
	X(HPDF_Page_SetWidth) \
	X(HPDF_Page_Stroke) \
	X(HPDF_Page_TextOut) \
	X(HPDF_ReadFromStream) \
	X(HPDF_ResetStream) \
	X(HPDF_SaveToFile) \
	X(HPDF_SaveToStream) \
	X(HPDF_SetCompressionMode) \
	X(HPDF_SetError) \
	X(HPDF_SetInfoAttr) \
	X(HPDF_SetPageMode) \
	X(HPDF_Stream_Free) \
	X(HPDF_Stream_Read) \
	X(HPDF_Stream_Seek) \
	X(HPDF_Stream_Size) \
	X(HPDF_Stream_Write) \
	X(HPDF_String_New) \
	X(HPDF_TTFontDef_Load) \
	X(HPDF_TTFontDef_SetTagName) \
	X(HPDF_UseUTFEncodings) \
	X(HPDF_Xref_Add) \
	X(HPDF_Xref_GetEntry)

GAZ_DL_DECLARE(hpdf, GAZ_DL_HPDF_FUNCS);

#ifndef GAZ_DL_TABLES
#define HPDF_AddPage (*gaz_dl_hpdf_fn.HPDF_AddPage)
#define HPDF_Array_Add (*gaz_dl_hpdf_fn.HPDF_Array_Add)
#define HPDF_Array_AddName (*gaz_dl_hpdf_fn.HPDF_Array_AddName)
#define HPDF_Array_AddNumber (*gaz_dl_hpdf_fn.HPDF_Array_AddNumber)
#define HPDF_Array_AddReal (*gaz_dl_hpdf_fn.HPDF_Array_AddReal)
#define HPDF_Array_New (*gaz_dl_hpdf_fn.HPDF_Array_New)
#define HPDF_Binary_New (*gaz_dl_hpdf_fn.HPDF_Binary_New)
#define HPDF_CreateOutline (*gaz_dl_hpdf_fn.HPDF_CreateOutline)
#define HPDF_Destination_SetFitH (*gaz_dl_hpdf_fn.HPDF_Destination_SetFitH)
#define HPDF_DictStream_New (*gaz_dl_hpdf_fn.HPDF_DictStream_New)
#define HPDF_Dict_Add (*gaz_dl_hpdf_fn.HPDF_Dict_Add)
#define HPDF_Dict_AddName (*gaz_dl_hpdf_fn.HPDF_Dict_AddName)
#define HPDF_Dict_AddNumber (*gaz_dl_hpdf_fn.HPDF_Dict_AddNumber)
#define HPDF_Dict_GetItem (*gaz_dl_hpdf_fn.HPDF_Dict_GetItem)
#define HPDF_Dict_New (*gaz_dl_hpdf_fn.HPDF_Dict_New)
#define HPDF_Dict_RemoveElement (*gaz_dl_hpdf_fn.HPDF_Dict_RemoveElement)
#define HPDF_Doc_RegisterFontDef (*gaz_dl_hpdf_fn.HPDF_Doc_RegisterFontDef)
#define HPDF_Free (*gaz_dl_hpdf_fn.HPDF_Free)
#define HPDF_GetFont (*gaz_dl_hpdf_fn.HPDF_GetFont)
#define HPDF_GetStreamSize (*gaz_dl_hpdf_fn.HPDF_GetStreamSize)
#define HPDF_LinkAnnot_SetBorderStyle (*gaz_dl_hpdf_fn.HPDF_LinkAnnot_SetBorderStyle)
#define HPDF_MemStream_FreeData (*gaz_dl_hpdf_fn.HPDF_MemStream_FreeData)
#define HPDF_MemStream_GetBufCount (*gaz_dl_hpdf_fn.HPDF_MemStream_GetBufCount)
#define HPDF_MemStream_GetBufPtr (*gaz_dl_hpdf_fn.HPDF_MemStream_GetBufPtr)
#define HPDF_MemStream_New (*gaz_dl_hpdf_fn.HPDF_MemStream_New)
#define HPDF_New (*gaz_dl_hpdf_fn.HPDF_New)
#define HPDF_Outline_SetOpened (*gaz_dl_hpdf_fn.HPDF_Outline_SetOpened)
#define HPDF_Page_BeginText (*gaz_dl_hpdf_fn.HPDF_Page_BeginText)
#define HPDF_Page_CreateDestination (*gaz_dl_hpdf_fn.HPDF_Page_CreateDestination)
#define HPDF_Page_CreateLinkAnnot (*gaz_dl_hpdf_fn.HPDF_Page_CreateLinkAnnot)
#define HPDF_Page_EndText (*gaz_dl_hpdf_fn.HPDF_Page_EndText)
#define HPDF_Page_ExecuteXObject (*gaz_dl_hpdf_fn.HPDF_Page_ExecuteXObject)
#define HPDF_Page_Fill (*gaz_dl_hpdf_fn.HPDF_Page_Fill)
#define HPDF_Page_LineTo (*gaz_dl_hpdf_fn.HPDF_Page_LineTo)
#define HPDF_Page_MoveTo (*gaz_dl_hpdf_fn.HPDF_Page_MoveTo)
#define HPDF_Page_Rectangle (*gaz_dl_hpdf_fn.HPDF_Page_Rectangle)
#define HPDF_Page_SetCharSpace (*gaz_dl_hpdf_fn.HPDF_Page_SetCharSpace)
#define HPDF_Page_SetFontAndSize (*gaz_dl_hpdf_fn.HPDF_Page_SetFontAndSize)
#define HPDF_Page_SetHeight (*gaz_dl_hpdf_fn.HPDF_Page_SetHeight)
#define HPDF_Page_SetLineWidth (*gaz_dl_hpdf_fn.HPDF_Page_SetLineWidth)
#define HPDF_Page_SetRGBFill (*gaz_dl_hpdf_fn.HPDF_Page_SetRGBFill)
#define HPDF_Page_SetRGBStroke (*gaz_dl_hpdf_fn.HPDF_Page_SetRGBStroke)
#define HPDF_Page_SetWidth (*gaz_dl_hpdf_fn.HPDF_Page_SetWidth)
#define HPDF_Page_Stroke (*gaz_dl_hpdf_fn.HPDF_Page_Stroke)
#define HPDF_Page_TextOut (*gaz_dl_hpdf_fn.HPDF_Page_TextOut)
#define HPDF_ReadFromStream (*gaz_dl_hpdf_fn.HPDF_ReadFromStream)
#define HPDF_ResetStream (*gaz_dl_hpdf_fn.HPDF_ResetStream)
#define HPDF_SaveToFile (*gaz_dl_hpdf_fn.HPDF_SaveToFile)
#define HPDF_SaveToStream (*gaz_dl_hpdf_fn.HPDF_SaveToStream)
#define HPDF_SetCompressionMode (*gaz_dl_hpdf_fn.HPDF_SetCompressionMode)
#define HPDF_SetError (*gaz_dl_hpdf_fn.HPDF_SetError)
#define HPDF_SetInfoAttr (*gaz_dl_hpdf_fn.HPDF_SetInfoAttr)
#define HPDF_SetPageMode (*gaz_dl_hpdf_fn.HPDF_SetPageMode)
#define HPDF_Stream_Free (*gaz_dl_hpdf_fn.HPDF_Stream_Free)
#define HPDF_Stream_Read (*gaz_dl_hpdf_fn.HPDF_Stream_Read)
#define HPDF_Stream_Seek (*gaz_dl_hpdf_fn.HPDF_Stream_Seek)
#define HPDF_Stream_Size (*gaz_dl_hpdf_fn.HPDF_Stream_Size)
#define HPDF_Stream_Write (*gaz_dl_hpdf_fn.HPDF_Stream_Write)
#define HPDF_String_New (*gaz_dl_hpdf_fn.HPDF_String_New)
#define HPDF_TTFontDef_Load (*gaz_dl_hpdf_fn.HPDF_TTFontDef_Load)
#define HPDF_TTFontDef_SetTagName (*gaz_dl_hpdf_fn.HPDF_TTFontDef_SetTagName)
#define HPDF_UseUTFEncodings (*gaz_dl_hpdf_fn.HPDF_UseUTFEncodings)
#define HPDF_Xref_Add (*gaz_dl_hpdf_fn.HPDF_Xref_Add)
#define HPDF_Xref_GetEntry (*gaz_dl_hpdf_fn.HPDF_Xref_GetEntry)
#endif

#endif
