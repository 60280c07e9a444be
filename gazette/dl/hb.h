/* HarfBuzz, loaded on first use: see gazette/dl/dl.h.  libharfbuzz for
 * faces, metrics and outlines (compile, publish), libharfbuzz-subset for the
 * embedded font subsets.  Include this instead of <hb.h>; call gaz_dl_hb()
 * (and gaz_dl_hb_subset() before hb_subset_*) before the first call. */
#ifndef GAZETTE_DL_HB_H
#define GAZETTE_DL_HB_H

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_HB_SONAME "libharfbuzz.so.0"
#define GAZ_DL_HB_PACKAGE "libharfbuzz0b"
#define GAZ_DL_HB_SUBSET_SONAME "libharfbuzz-subset.so.0"
#define GAZ_DL_HB_SUBSET_PACKAGE "libharfbuzz-subset0"

#define GAZ_DL_HB_FUNCS(X) \
	X(hb_blob_create_from_file_or_fail) \
	X(hb_blob_destroy) \
	X(hb_blob_get_data) \
	X(hb_blob_get_length) \
	X(hb_draw_funcs_create) \
	X(hb_draw_funcs_destroy) \
	X(hb_draw_funcs_make_immutable) \
	X(hb_draw_funcs_set_close_path_func) \
	X(hb_draw_funcs_set_cubic_to_func) \
	X(hb_draw_funcs_set_line_to_func) \
	X(hb_draw_funcs_set_move_to_func) \
	X(hb_draw_funcs_set_quadratic_to_func) \
	X(hb_face_count) \
	X(hb_face_create) \
	X(hb_face_destroy) \
	X(hb_face_get_glyph_count) \
	X(hb_face_get_upem) \
	X(hb_face_reference_blob) \
	X(hb_face_reference_table) \
	X(hb_font_create) \
	X(hb_font_destroy) \
	X(hb_font_get_face) \
	X(hb_font_get_glyph_extents) \
	X(hb_font_get_glyph_h_advance) \
	X(hb_font_get_glyph_shape) \
	X(hb_font_get_h_extents) \
	X(hb_font_get_nominal_glyph) \
	X(hb_font_get_scale) \
	X(hb_font_set_scale) \
	X(hb_ot_font_set_funcs) \
	X(hb_ot_metrics_get_position) \
	X(hb_ot_name_get_utf8) \
	X(hb_set_add) \
	X(hb_set_allocation_successful)
#define GAZ_DL_HB_SUBSET_FUNCS(X) \
	X(hb_subset_input_create_or_fail) \
	X(hb_subset_input_destroy) \
	X(hb_subset_input_set) \
	X(hb_subset_input_set_flags) \
	X(hb_subset_input_unicode_set) \
	X(hb_subset_or_fail)

GAZ_DL_DECLARE(hb, GAZ_DL_HB_FUNCS);
GAZ_DL_DECLARE(hb_subset, GAZ_DL_HB_SUBSET_FUNCS);

#ifndef GAZ_DL_TABLES
#define hb_blob_create_from_file_or_fail (*gaz_dl_hb_fn.hb_blob_create_from_file_or_fail)
#define hb_blob_destroy (*gaz_dl_hb_fn.hb_blob_destroy)
#define hb_blob_get_data (*gaz_dl_hb_fn.hb_blob_get_data)
#define hb_blob_get_length (*gaz_dl_hb_fn.hb_blob_get_length)
#define hb_draw_funcs_create (*gaz_dl_hb_fn.hb_draw_funcs_create)
#define hb_draw_funcs_destroy (*gaz_dl_hb_fn.hb_draw_funcs_destroy)
#define hb_draw_funcs_make_immutable (*gaz_dl_hb_fn.hb_draw_funcs_make_immutable)
#define hb_draw_funcs_set_close_path_func (*gaz_dl_hb_fn.hb_draw_funcs_set_close_path_func)
#define hb_draw_funcs_set_cubic_to_func (*gaz_dl_hb_fn.hb_draw_funcs_set_cubic_to_func)
#define hb_draw_funcs_set_line_to_func (*gaz_dl_hb_fn.hb_draw_funcs_set_line_to_func)
#define hb_draw_funcs_set_move_to_func (*gaz_dl_hb_fn.hb_draw_funcs_set_move_to_func)
#define hb_draw_funcs_set_quadratic_to_func (*gaz_dl_hb_fn.hb_draw_funcs_set_quadratic_to_func)
#define hb_face_count (*gaz_dl_hb_fn.hb_face_count)
#define hb_face_create (*gaz_dl_hb_fn.hb_face_create)
#define hb_face_destroy (*gaz_dl_hb_fn.hb_face_destroy)
#define hb_face_get_glyph_count (*gaz_dl_hb_fn.hb_face_get_glyph_count)
#define hb_face_get_upem (*gaz_dl_hb_fn.hb_face_get_upem)
#define hb_face_reference_blob (*gaz_dl_hb_fn.hb_face_reference_blob)
#define hb_face_reference_table (*gaz_dl_hb_fn.hb_face_reference_table)
#define hb_font_create (*gaz_dl_hb_fn.hb_font_create)
#define hb_font_destroy (*gaz_dl_hb_fn.hb_font_destroy)
#define hb_font_get_face (*gaz_dl_hb_fn.hb_font_get_face)
#define hb_font_get_glyph_extents (*gaz_dl_hb_fn.hb_font_get_glyph_extents)
#define hb_font_get_glyph_h_advance (*gaz_dl_hb_fn.hb_font_get_glyph_h_advance)
#define hb_font_get_glyph_shape (*gaz_dl_hb_fn.hb_font_get_glyph_shape)
#define hb_font_get_h_extents (*gaz_dl_hb_fn.hb_font_get_h_extents)
#define hb_font_get_nominal_glyph (*gaz_dl_hb_fn.hb_font_get_nominal_glyph)
#define hb_font_get_scale (*gaz_dl_hb_fn.hb_font_get_scale)
#define hb_font_set_scale (*gaz_dl_hb_fn.hb_font_set_scale)
#define hb_ot_font_set_funcs (*gaz_dl_hb_fn.hb_ot_font_set_funcs)
#define hb_ot_metrics_get_position (*gaz_dl_hb_fn.hb_ot_metrics_get_position)
#define hb_ot_name_get_utf8 (*gaz_dl_hb_fn.hb_ot_name_get_utf8)
#define hb_set_add (*gaz_dl_hb_fn.hb_set_add)
#define hb_set_allocation_successful (*gaz_dl_hb_fn.hb_set_allocation_successful)
#define hb_subset_input_create_or_fail (*gaz_dl_hb_subset_fn.hb_subset_input_create_or_fail)
#define hb_subset_input_destroy (*gaz_dl_hb_subset_fn.hb_subset_input_destroy)
#define hb_subset_input_set (*gaz_dl_hb_subset_fn.hb_subset_input_set)
#define hb_subset_input_set_flags (*gaz_dl_hb_subset_fn.hb_subset_input_set_flags)
#define hb_subset_input_unicode_set (*gaz_dl_hb_subset_fn.hb_subset_input_unicode_set)
#define hb_subset_or_fail (*gaz_dl_hb_subset_fn.hb_subset_or_fail)
#endif

#endif
