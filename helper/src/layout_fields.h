/* SPDX-License-Identifier: MIT */
/* layout_fields.h - the one list of CPython struct offsets and sizes pyleaks uses.
 * Each entry generates a member of struct pl_layout (layout.h), its DWARF query
 * (layout_dwarf.c) and its line in layout dumps. Add a field here and nowhere else.
 *
 * PL_FIELD(id, type name in DWARF, member path, required)
 *   offset of a member ("a.b" walks nested members; unnamed unions are searched).
 * PL_SIZE(id, type name in DWARF, required)
 *   sizeof the type.
 * "required" fields must be found or the layout is refused; optional ones exist only in some
 * versions, and their absence (-1) is itself information the walker uses. The runtime and GC
 * state fields are optional here because 3.6 has neither struct (its GC state is static
 * variables); runtime.c checks them for the versions that have them. */

#define PL_LAYOUT_FIELDS(PL_FIELD, PL_SIZE)                                                    \
	/* runtime, interpreters */                                                             \
	PL_FIELD(runtime_interpreters_head, "_PyRuntimeState", "interpreters.head", false)    \
	PL_FIELD(runtime_gc, "_PyRuntimeState", "gc", false)      /* 3.7, 3.8: one GC state */ \
	PL_FIELD(interp_next, "PyInterpreterState", "next", true)                              \
	PL_FIELD(interp_gc, "PyInterpreterState", "gc", false)         /* 3.9+ */              \
	PL_FIELD(interp_sysdict, "PyInterpreterState", "sysdict", true)                        \
	/* GC state */                                                                          \
	PL_FIELD(gc_generations, "_gc_runtime_state", "generations", false)   /* 3.7+ */      \
	PL_FIELD(gc_young, "_gc_runtime_state", "young", false)   /* 3.14.0-3.14.4: young, old[2] */ \
	PL_FIELD(gc_generation0, "_gc_runtime_state", "generation0", false)                   \
	PL_FIELD(gc_permanent, "_gc_runtime_state", "permanent_generation", false)            \
	PL_FIELD(gc_garbage, "_gc_runtime_state", "garbage", false)                           \
	PL_FIELD(gc_collecting, "_gc_runtime_state", "collecting", false)                     \
	PL_SIZE(gc_generation, "gc_generation", true)                                          \
	PL_SIZE(gc_head, "PyGC_Head", true)                                                    \
	/* objects and types */                                                                 \
	PL_FIELD(object_refcnt, "PyObject", "ob_refcnt", true)                                 \
	PL_FIELD(object_type, "PyObject", "ob_type", true)                                     \
	PL_FIELD(varobject_size, "PyVarObject", "ob_size", true)                               \
	PL_FIELD(type_name, "PyTypeObject", "tp_name", true)                                   \
	PL_FIELD(type_basicsize, "PyTypeObject", "tp_basicsize", true)                         \
	PL_FIELD(type_itemsize, "PyTypeObject", "tp_itemsize", true)                           \
	PL_FIELD(type_flags, "PyTypeObject", "tp_flags", true)                                 \
	PL_FIELD(type_dict, "PyTypeObject", "tp_dict", true)                                   \
	PL_FIELD(heaptype_qualname, "PyHeapTypeObject", "ht_qualname", true)                   \
	PL_FIELD(type_dictoffset, "PyTypeObject", "tp_dictoffset", true)                       \
	PL_FIELD(heaptype_cached_keys, "PyHeapTypeObject", "ht_cached_keys", true)             \
	PL_FIELD(tuple_items, "PyTupleObject", "ob_item", true)                                \
	PL_FIELD(module_dict, "PyModuleObject", "md_dict", true)                               \
	PL_FIELD(type_mro, "PyTypeObject", "tp_mro", true)                                     \
	PL_FIELD(type_bases, "PyTypeObject", "tp_bases", true)                                 \
	PL_FIELD(type_base, "PyTypeObject", "tp_base", true)                                   \
	PL_FIELD(type_members, "PyTypeObject", "tp_members", true)                             \
	PL_SIZE(member_def, "PyMemberDef", true)                                               \
	PL_FIELD(member_name, "PyMemberDef", "name", true)                                     \
	PL_FIELD(member_type, "PyMemberDef", "type", true)                                     \
	PL_FIELD(member_offset, "PyMemberDef", "offset", true)                                 \
	PL_FIELD(func_globals, "PyFunctionObject", "func_globals", true)                       \
	PL_FIELD(func_closure, "PyFunctionObject", "func_closure", true)                       \
	PL_FIELD(func_defaults, "PyFunctionObject", "func_defaults", true)                     \
	PL_FIELD(func_kwdefaults, "PyFunctionObject", "func_kwdefaults", true)                 \
	PL_FIELD(func_dict, "PyFunctionObject", "func_dict", true)                             \
	PL_FIELD(cell_ref, "PyCellObject", "ob_ref", true)                                     \
	PL_FIELD(method_func, "PyMethodObject", "im_func", true)                               \
	PL_FIELD(method_self, "PyMethodObject", "im_self", true)                               \
	PL_FIELD(set_mask, "PySetObject", "mask", true)                                        \
	PL_FIELD(set_table, "PySetObject", "table", true)                                      \
	PL_SIZE(set_entry, "setentry", true)                                                   \
	PL_FIELD(set_entry_key, "setentry", "key", true)                                       \
	/* containers */                                                                        \
	PL_FIELD(list_items, "PyListObject", "ob_item", true)                                  \
	PL_FIELD(dict_keys, "PyDictObject", "ma_keys", true)                                   \
	PL_FIELD(dict_values, "PyDictObject", "ma_values", true)                               \
	PL_FIELD(dictkeys_size, "PyDictKeysObject", "dk_size", false)          /* <= 3.10 */   \
	PL_FIELD(dictkeys_log2_size, "PyDictKeysObject", "dk_log2_size", false) /* 3.11+ */    \
	PL_FIELD(dictkeys_log2_index_bytes, "PyDictKeysObject", "dk_log2_index_bytes", false) \
	PL_FIELD(dictkeys_kind, "PyDictKeysObject", "dk_kind", false)                          \
	PL_FIELD(dictkeys_nentries, "PyDictKeysObject", "dk_nentries", true)                   \
	PL_FIELD(dictkeys_indices, "PyDictKeysObject", "dk_indices", true)                     \
	PL_SIZE(dict_entry, "PyDictKeyEntry", true)                                            \
	PL_FIELD(dict_entry_key, "PyDictKeyEntry", "me_key", true)                             \
	PL_FIELD(dict_entry_value, "PyDictKeyEntry", "me_value", true)                         \
	PL_SIZE(dict_unicode_entry, "PyDictUnicodeEntry", false)               /* 3.11+ */     \
	PL_FIELD(dict_unicode_entry_key, "PyDictUnicodeEntry", "me_key", false)                \
	PL_FIELD(dict_unicode_entry_value, "PyDictUnicodeEntry", "me_value", false)            \
	/* ints (dict keys in labels) */                                                        \
	PL_FIELD(long_digits_old, "PyLongObject", "ob_digit", false)          /* <= 3.11 */    \
	PL_FIELD(long_digits, "PyLongObject", "long_value.ob_digit", false)   /* 3.12+ */      \
	PL_FIELD(long_tag, "PyLongObject", "long_value.lv_tag", false)        /* 3.12+ */      \
	/* strings */                                                                           \
	PL_FIELD(unicode_length, "PyASCIIObject", "length", true)                              \
	PL_FIELD(unicode_state, "PyASCIIObject", "state", true)                                \
	PL_SIZE(ascii_object, "PyASCIIObject", true)                                           \
	PL_SIZE(compact_unicode_object, "PyCompactUnicodeObject", true)                        \
	/* where, inside _Py_DebugOffsets (3.13+), the build states its own offsets */          \
	PL_FIELD(dbg_version, "_Py_DebugOffsets", "version", false)                            \
	PL_FIELD(dbg_free_threaded, "_Py_DebugOffsets", "free_threaded", false)                \
	PL_FIELD(dbg_runtime_interpreters_head, "_Py_DebugOffsets", "runtime_state.interpreters_head", false) \
	PL_FIELD(dbg_interp_next, "_Py_DebugOffsets", "interpreter_state.next", false)         \
	PL_FIELD(dbg_interp_gc, "_Py_DebugOffsets", "interpreter_state.gc", false)             \
	PL_FIELD(dbg_interp_sysdict, "_Py_DebugOffsets", "interpreter_state.sysdict", false)   \
	PL_FIELD(dbg_object_type, "_Py_DebugOffsets", "pyobject.ob_type", false)               \
	PL_FIELD(dbg_type_name, "_Py_DebugOffsets", "type_object.tp_name", false)              \
	PL_FIELD(dbg_type_flags, "_Py_DebugOffsets", "type_object.tp_flags", false)            \
	PL_FIELD(dbg_list_items, "_Py_DebugOffsets", "list_object.ob_item", false)             \
	PL_FIELD(dbg_dict_keys, "_Py_DebugOffsets", "dict_object.ma_keys", false)              \
	PL_FIELD(dbg_dict_values, "_Py_DebugOffsets", "dict_object.ma_values", false)          \
	PL_FIELD(dbg_unicode_length, "_Py_DebugOffsets", "unicode_object.length", false)       \
	PL_FIELD(dbg_unicode_state, "_Py_DebugOffsets", "unicode_object.state", false)         \
	PL_FIELD(dbg_ascii_object_size, "_Py_DebugOffsets", "unicode_object.asciiobject_size", false) \
	PL_FIELD(dbg_gc_collecting, "_Py_DebugOffsets", "gc.collecting", false)
