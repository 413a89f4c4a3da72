/* SPDX-License-Identifier: MIT */
/* layout_fields.h - the one list of CPython struct offsets and sizes pyleaks uses.
 * Each entry generates a member of struct pl_layout (layout.h), its DWARF query
 * (layout_dwarf.c) and its line in layout dumps. Add a field here and nowhere else.
 *
 * PL_FIELD(id, type name in DWARF, member path, required)
 *   offset of a member ("a.b" walks nested members; unnamed unions are searched).
 * PL_SIZE(id, type name in DWARF, required)
 *   sizeof the type.
 * "required" fields must be found or the layout is refused (PL_PY3: on Python 3 only, 2.7 has
 * no such field); optional ones exist only in some versions, and their absence (-1) is itself
 * information the walker uses. The runtime and GC
 * state fields are optional here because 3.6 has neither struct (its GC state is static
 * variables); runtime.c checks them for the versions that have them.
 *
 * Where a member moved or was renamed between versions, each spelling has its own id (e.g.
 * interp_modules <= 3.11, interp_imports_modules 3.12+) and the code that reads it takes
 * whichever is present. Sections: runtime and interpreters, threads, GC state, objects and
 * types, builtin containers and small objects, functions and code, frames and generators,
 * exceptions, C types of the stdlib, strings and ints, Python 2.7's own structs,
 * _Py_DebugOffsets. */

/* The "required" of a field that Python 3 has and 2.7 does not (true and false are 1 and 0). */
enum { PL_PY3 = 2 };

#define PL_LAYOUT_FIELDS(PL_FIELD, PL_SIZE)                                                    \
	/* runtime, interpreters */                                                             \
	PL_FIELD(runtime_interpreters_head, "_PyRuntimeState", "interpreters.head", false)    \
	PL_FIELD(runtime_gc, "_PyRuntimeState", "gc", false)      /* 3.7, 3.8: one GC state */ \
	PL_FIELD(runtime_main_thread, "_PyRuntimeState", "main_thread", false) /* 3.7+ */     \
	PL_FIELD(interp_next, "PyInterpreterState", "next", true)                              \
	PL_FIELD(interp_id, "PyInterpreterState", "id", false)            /* 3.7+ */           \
	PL_FIELD(interp_gc, "PyInterpreterState", "gc", false)         /* 3.9+ */              \
	PL_FIELD(interp_sysdict, "PyInterpreterState", "sysdict", true)                        \
	PL_FIELD(interp_builtins, "PyInterpreterState", "builtins", true)                      \
	PL_FIELD(interp_modules, "PyInterpreterState", "modules", false)          /* <= 3.11 */ \
	PL_FIELD(interp_imports_modules, "PyInterpreterState", "imports.modules", false) /* 3.12+ */ \
	PL_FIELD(interp_importlib, "PyInterpreterState", "importlib", false)      /* <= 3.11 */ \
	PL_FIELD(interp_imports_importlib, "PyInterpreterState", "imports.importlib", false)  \
	PL_FIELD(interp_dict, "PyInterpreterState", "dict", false)                /* 3.8+ */   \
	PL_FIELD(interp_builtins_copy, "PyInterpreterState", "builtins_copy", false)          \
	PL_FIELD(interp_codec_search_path, "PyInterpreterState", "codec_search_path", false)  \
	PL_FIELD(interp_codecs_search_path, "PyInterpreterState", "codecs.search_path", false) \
	/* where 3.12+ keeps the dicts of static builtin types (tp_dict is NULL there) */      \
	PL_FIELD(interp_types_builtins, "PyInterpreterState", "types.builtins", false) /* 3.12 */ \
	PL_FIELD(interp_types_builtins_initialized, "PyInterpreterState", "types.builtins.initialized", false) \
	PL_FIELD(interp_types_for_extensions_initialized, "PyInterpreterState", "types.for_extensions.initialized", false) \
	PL_SIZE(static_builtin_state, "static_builtin_state", false)                 /* 3.12 */ \
	PL_FIELD(static_builtin_state_type, "static_builtin_state", "type", false)             \
	PL_FIELD(static_builtin_state_dict, "static_builtin_state", "tp_dict", false)          \
	PL_FIELD(static_builtin_state_subclasses, "static_builtin_state", "tp_subclasses", false) \
	PL_SIZE(managed_static_type_state, "managed_static_type_state", false)      /* 3.13+ */ \
	PL_FIELD(managed_static_type_state_type, "managed_static_type_state", "type", false)   \
	PL_FIELD(managed_static_type_state_dict, "managed_static_type_state", "tp_dict", false) \
	PL_FIELD(managed_static_type_state_subclasses, "managed_static_type_state", "tp_subclasses", false) \
	/* threads */                                                                           \
	PL_FIELD(interp_tstate_head, "PyInterpreterState", "tstate_head", false)  /* <= 3.10 */ \
	PL_FIELD(interp_threads_head, "PyInterpreterState", "threads.head", false) /* 3.11+ */ \
	PL_FIELD(tstate_next, "PyThreadState", "next", true)                                   \
	PL_FIELD(tstate_thread_id, "PyThreadState", "thread_id", true)                         \
	PL_FIELD(tstate_native_thread_id, "PyThreadState", "native_thread_id", false) /* 3.11+ */ \
	PL_FIELD(tstate_frame, "PyThreadState", "frame", false)     /* <= 3.10: PyFrameObject */ \
	PL_FIELD(tstate_cframe, "PyThreadState", "cframe", false)   /* 3.10 - 3.12 */           \
	PL_FIELD(cframe_current_frame, "_PyCFrame", "current_frame", false) /* 3.11, 3.12 */    \
	PL_FIELD(tstate_current_frame, "PyThreadState", "current_frame", false)  /* 3.13+ */   \
	PL_FIELD(tstate_dict, "PyThreadState", "dict", true)                                   \
	PL_FIELD(tstate_context, "PyThreadState", "context", false)               /* 3.7+ */   \
	PL_FIELD(tstate_async_exc, "PyThreadState", "async_exc", true)                         \
	PL_FIELD(tstate_curexc_value, "PyThreadState", "curexc_value", false)     /* <= 3.11 */ \
	PL_FIELD(tstate_curexc_traceback, "PyThreadState", "curexc_traceback", false)         \
	PL_FIELD(tstate_current_exception, "PyThreadState", "current_exception", false) /* 3.12+ */ \
	PL_FIELD(tstate_exc_value, "PyThreadState", "exc_value", false)           /* 3.6 */    \
	PL_FIELD(tstate_exc_traceback, "PyThreadState", "exc_traceback", false)   /* 3.6 */    \
	PL_FIELD(tstate_exc_state_value, "PyThreadState", "exc_state.exc_value", false) /* 3.7+ */ \
	PL_FIELD(tstate_exc_state_traceback, "PyThreadState", "exc_state.exc_traceback", false) \
	/* GC state */                                                                          \
	PL_FIELD(gc_generations, "_gc_runtime_state", "generations", false)   /* 3.7+ */      \
	PL_FIELD(gc_young, "_gc_runtime_state", "young", false)   /* 3.14.0-3.14.4: young, old[2] */ \
	PL_FIELD(gc_generation0, "_gc_runtime_state", "generation0", false)                   \
	PL_FIELD(gc_permanent, "_gc_runtime_state", "permanent_generation", false)            \
	PL_FIELD(gc_garbage, "_gc_runtime_state", "garbage", false)                           \
	PL_FIELD(gc_callbacks, "_gc_runtime_state", "callbacks", false)                       \
	PL_FIELD(gc_collecting, "_gc_runtime_state", "collecting", false)                     \
	PL_FIELD(gc_enabled, "_gc_runtime_state", "enabled", false)                           \
	PL_FIELD(gc_debug, "_gc_runtime_state", "debug", false)                               \
	PL_FIELD(generation_threshold, "gc_generation", "threshold", false)                   \
	PL_FIELD(generation_count, "gc_generation", "count", false)                           \
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
	PL_FIELD(type_dictoffset, "PyTypeObject", "tp_dictoffset", true)                       \
	PL_FIELD(type_weaklistoffset, "PyTypeObject", "tp_weaklistoffset", true)               \
	PL_FIELD(type_mro, "PyTypeObject", "tp_mro", true)                                     \
	PL_FIELD(type_bases, "PyTypeObject", "tp_bases", true)                                 \
	PL_FIELD(type_base, "PyTypeObject", "tp_base", true)                                   \
	PL_FIELD(type_cache, "PyTypeObject", "tp_cache", true)                                 \
	PL_FIELD(type_subclasses, "PyTypeObject", "tp_subclasses", true)                       \
	PL_FIELD(type_members, "PyTypeObject", "tp_members", true)                             \
	PL_FIELD(type_finalize, "PyTypeObject", "tp_finalize", false)  /* PEP 442 finalizer */ \
	PL_FIELD(type_del, "PyTypeObject", "tp_del", false)       /* legacy finalizer */      \
	PL_SIZE(type_object, "PyTypeObject", false)                  /* type.__sizeof__ */   \
	PL_SIZE(heaptype_object, "PyHeapTypeObject", false)                                   \
	PL_FIELD(heaptype_name, "PyHeapTypeObject", "ht_name", true)                           \
	PL_FIELD(heaptype_qualname, "PyHeapTypeObject", "ht_qualname", PL_PY3)                \
	PL_FIELD(heaptype_slots, "PyHeapTypeObject", "ht_slots", true)                         \
	PL_FIELD(heaptype_module, "PyHeapTypeObject", "ht_module", false)          /* 3.9+ */  \
	PL_FIELD(heaptype_cached_keys, "PyHeapTypeObject", "ht_cached_keys", PL_PY3)          \
	PL_SIZE(member_def, "PyMemberDef", true)                                               \
	PL_FIELD(member_name, "PyMemberDef", "name", true)                                     \
	PL_FIELD(member_type, "PyMemberDef", "type", true)                                     \
	PL_FIELD(member_offset, "PyMemberDef", "offset", true)                                 \
	/* builtin containers and small objects */                                              \
	PL_FIELD(tuple_items, "PyTupleObject", "ob_item", true)                                \
	PL_FIELD(list_items, "PyListObject", "ob_item", true)                                  \
	PL_FIELD(list_allocated, "PyListObject", "allocated", false)                         \
	PL_FIELD(set_mask, "PySetObject", "mask", true)                                        \
	PL_FIELD(set_table, "PySetObject", "table", true)                                      \
	PL_FIELD(set_smalltable, "PySetObject", "smalltable", false)                         \
	PL_SIZE(set_entry, "setentry", true)                                                   \
	PL_FIELD(set_entry_key, "setentry", "key", true)                                       \
	PL_FIELD(set_entry_hash, "setentry", "hash", false)                                    \
	PL_FIELD(dict_keys, "PyDictObject", "ma_keys", PL_PY3)                                \
	PL_FIELD(dict_values, "PyDictObject", "ma_values", PL_PY3)                            \
	PL_FIELD(dict_used, "PyDictObject", "ma_used", false)                                \
	PL_FIELD(dictkeys_refcnt, "PyDictKeysObject", "dk_refcnt", false)                    \
	PL_FIELD(dictkeys_usable, "PyDictKeysObject", "dk_usable", false)                    \
	PL_FIELD(dictkeys_size, "PyDictKeysObject", "dk_size", false)          /* <= 3.10 */   \
	PL_FIELD(dictkeys_log2_size, "PyDictKeysObject", "dk_log2_size", false) /* 3.11+ */    \
	PL_FIELD(dictkeys_log2_index_bytes, "PyDictKeysObject", "dk_log2_index_bytes", false) \
	PL_FIELD(dictkeys_kind, "PyDictKeysObject", "dk_kind", false)                          \
	PL_FIELD(dictkeys_nentries, "PyDictKeysObject", "dk_nentries", PL_PY3)                \
	PL_FIELD(dictkeys_indices, "PyDictKeysObject", "dk_indices", PL_PY3)                  \
	PL_SIZE(dict_entry, "PyDictKeyEntry", PL_PY3)                                         \
	PL_FIELD(dict_entry_key, "PyDictKeyEntry", "me_key", PL_PY3)                          \
	PL_FIELD(dict_entry_value, "PyDictKeyEntry", "me_value", PL_PY3)                      \
	PL_SIZE(dict_unicode_entry, "PyDictUnicodeEntry", false)               /* 3.11+ */     \
	PL_FIELD(dict_unicode_entry_key, "PyDictUnicodeEntry", "me_key", false)                \
	PL_FIELD(dict_unicode_entry_value, "PyDictUnicodeEntry", "me_value", false)            \
	PL_FIELD(module_dict, "PyModuleObject", "md_dict", true)                               \
	PL_FIELD(module_name, "PyModuleObject", "md_name", PL_PY3)                            \
	PL_FIELD(module_def, "PyModuleObject", "md_def", false)                                 \
	PL_FIELD(module_state, "PyModuleObject", "md_state", PL_PY3)                          \
	PL_FIELD(module_state_size, "PyModuleObject", "md_state_size", false)  /* 3.15+ */     \
	PL_FIELD(module_state_traverse, "PyModuleObject", "md_state_traverse", false) /* 3.15+ */ \
	PL_FIELD(module_state_clear, "PyModuleObject", "md_state_clear", false)  /* 3.15+ */   \
	PL_FIELD(module_state_free, "PyModuleObject", "md_state_free", false)    /* 3.15+ */   \
	PL_FIELD(module_exec, "PyModuleObject", "md_exec", false)                /* 3.15+ */   \
	PL_FIELD(module_token, "PyModuleObject", "md_token", false)              /* 3.15+ */   \
	PL_FIELD(module_token_is_def, "PyModuleObject", "md_token_is_def", false) /* 3.15+ */  \
	PL_FIELD(moduledef_name, "PyModuleDef", "m_name", false)                               \
	/* atexit's state through 3.9: an array of pointers to callbacks (func, args, kwargs) */ \
	PL_FIELD(atexit_callbacks, "atexitmodule_state", "atexit_callbacks", false)            \
	PL_FIELD(atexit_ncallbacks, "atexitmodule_state", "ncallbacks", false)                 \
	PL_FIELD(atexit_callback_len, "atexitmodule_state", "callback_len", false)             \
	PL_FIELD(atexit_callback_func, "atexit_callback", "func", false)                       \
	PL_FIELD(atexit_callback_args, "atexit_callback", "args", false)                       \
	PL_FIELD(atexit_callback_kwargs, "atexit_callback", "kwargs", false)                   \
	PL_FIELD(moduledef_size, "PyModuleDef", "m_size", PL_PY3)                             \
	PL_FIELD(moduledef_slots, "PyModuleDef", "m_slots", false)                             \
	PL_FIELD(moduledef_traverse, "PyModuleDef", "m_traverse", false)                       \
	PL_FIELD(moduledef_clear, "PyModuleDef", "m_clear", false)                             \
	PL_FIELD(moduledef_free, "PyModuleDef", "m_free", false)                               \
	PL_SIZE(moduledef_slot, "PyModuleDef_Slot", false)                                     \
	PL_FIELD(moduledef_slot_id, "PyModuleDef_Slot", "slot", false)                         \
	PL_FIELD(moduledef_slot_value, "PyModuleDef_Slot", "value", false)                     \
	PL_FIELD(cell_ref, "PyCellObject", "ob_ref", true)                                     \
	PL_FIELD(method_func, "PyMethodObject", "im_func", true)                               \
	PL_FIELD(method_self, "PyMethodObject", "im_self", true)                               \
	PL_FIELD(classmethod_callable, "classmethod", "cm_callable", true)                     \
	PL_FIELD(classmethod_dict, "classmethod", "cm_dict", PL_PY3)                          \
	PL_FIELD(staticmethod_callable, "staticmethod", "sm_callable", true)                   \
	PL_FIELD(staticmethod_dict, "staticmethod", "sm_dict", PL_PY3)                        \
	PL_FIELD(property_get, "propertyobject", "prop_get", true)                             \
	PL_FIELD(property_set, "propertyobject", "prop_set", true)                             \
	PL_FIELD(property_del, "propertyobject", "prop_del", true)                             \
	PL_FIELD(property_doc, "propertyobject", "prop_doc", true)                             \
	PL_FIELD(property_name, "propertyobject", "prop_name", false)          /* 3.10+ */     \
	PL_FIELD(cfunction_self, "PyCFunctionObject", "m_self", true)                          \
	PL_FIELD(cfunction_module, "PyCFunctionObject", "m_module", true)                      \
	PL_FIELD(cmethod_class, "PyCMethodObject", "mm_class", false)          /* 3.9+ */      \
	PL_FIELD(descr_type, "PyDescrObject", "d_type", true)                                  \
	PL_FIELD(descr_name, "PyDescrObject", "d_name", true)                                  \
	PL_FIELD(descr_qualname, "PyDescrObject", "d_qualname", PL_PY3)                       \
	PL_FIELD(mappingproxy_mapping, "mappingproxyobject", "mapping", PL_PY3)               \
	PL_FIELD(methodwrapper_descr, "wrapperobject", "descr", true)                          \
	PL_FIELD(methodwrapper_self, "wrapperobject", "self", true)                            \
	PL_FIELD(weakref_object, "PyWeakReference", "wr_object", true)                         \
	PL_FIELD(weakref_callback, "PyWeakReference", "wr_callback", true)                     \
	/* functions and code */                                                                \
	PL_FIELD(func_code, "PyFunctionObject", "func_code", true)                             \
	PL_FIELD(func_globals, "PyFunctionObject", "func_globals", true)                       \
	PL_FIELD(func_builtins, "PyFunctionObject", "func_builtins", false)    /* 3.10+ */     \
	PL_FIELD(func_name, "PyFunctionObject", "func_name", true)                             \
	PL_FIELD(func_qualname, "PyFunctionObject", "func_qualname", PL_PY3)                  \
	PL_FIELD(func_defaults, "PyFunctionObject", "func_defaults", true)                     \
	PL_FIELD(func_kwdefaults, "PyFunctionObject", "func_kwdefaults", PL_PY3)              \
	PL_FIELD(func_closure, "PyFunctionObject", "func_closure", true)                       \
	PL_FIELD(func_doc, "PyFunctionObject", "func_doc", true)                               \
	PL_FIELD(func_dict, "PyFunctionObject", "func_dict", true)                             \
	PL_FIELD(func_module, "PyFunctionObject", "func_module", true)                         \
	PL_FIELD(func_annotations, "PyFunctionObject", "func_annotations", PL_PY3)            \
	PL_FIELD(func_annotate, "PyFunctionObject", "func_annotate", false)    /* 3.14+ */     \
	PL_FIELD(func_typeparams, "PyFunctionObject", "func_typeparams", false) /* 3.12+ */    \
	PL_FIELD(code_nlocals, "PyCodeObject", "co_nlocals", true)                             \
	PL_FIELD(code_nlocalsplus, "PyCodeObject", "co_nlocalsplus", false)    /* 3.11+ */     \
	PL_FIELD(code_nfreevars, "PyCodeObject", "co_nfreevars", false)        /* 3.11+ */     \
	PL_FIELD(code_varnames, "PyCodeObject", "co_varnames", false)          /* <= 3.10 */   \
	PL_FIELD(code_cellvars, "PyCodeObject", "co_cellvars", false)          /* <= 3.10 */   \
	PL_FIELD(code_freevars, "PyCodeObject", "co_freevars", false)          /* <= 3.10 */   \
	PL_FIELD(code_localsplusnames, "PyCodeObject", "co_localsplusnames", false) /* 3.11+ */ \
	PL_FIELD(code_name, "PyCodeObject", "co_name", true)                                   \
	PL_FIELD(code_qualname, "PyCodeObject", "co_qualname", false)          /* 3.11+ */     \
	PL_FIELD(code_filename, "PyCodeObject", "co_filename", true)                           \
	PL_FIELD(code_firstlineno, "PyCodeObject", "co_firstlineno", true)                     \
	PL_FIELD(code_lnotab, "PyCodeObject", "co_lnotab", false)              /* <= 3.9 */    \
	PL_FIELD(code_linetable, "PyCodeObject", "co_linetable", false)        /* 3.10+ */     \
	PL_FIELD(code_code_adaptive, "PyCodeObject", "co_code_adaptive", false) /* 3.11+ */    \
	PL_FIELD(code_cell2arg, "PyCodeObject", "co_cell2arg", false)      /* <= 3.10 */     \
	PL_FIELD(code_extra, "PyCodeObject", "co_extra", false)                              \
	PL_FIELD(code_consts, "PyCodeObject", "co_consts", false)                            \
	PL_FIELD(code_names, "PyCodeObject", "co_names", false)                              \
	PL_FIELD(code_code, "PyCodeObject", "co_code", false)              /* <= 3.10 */     \
	PL_FIELD(code_exceptiontable, "PyCodeObject", "co_exceptiontable", false) /* 3.11+ */ \
	PL_FIELD(code_localspluskinds, "PyCodeObject", "co_localspluskinds", false) /* 3.11+ */ \
	PL_FIELD(code_stacksize, "PyCodeObject", "co_stacksize", false)                      \
	PL_FIELD(code_opcache, "PyCodeObject", "co_opcache", false)        /* 3.8 - 3.10 */  \
	PL_FIELD(code_opcache_size, "PyCodeObject", "co_opcache_size", false) /* a byte */   \
	PL_SIZE(opcache, "_PyOpcache", false)                                                 \
	/* frames and generators */                                                             \
	PL_FIELD(frameobj_back, "PyFrameObject", "f_back", true)                               \
	PL_FIELD(frameobj_trace, "PyFrameObject", "f_trace", true)                             \
	PL_FIELD(frameobj_code, "PyFrameObject", "f_code", false)     /* <= 3.10: the frame */ \
	PL_FIELD(frameobj_builtins, "PyFrameObject", "f_builtins", false)                      \
	PL_FIELD(frameobj_globals, "PyFrameObject", "f_globals", false)                        \
	PL_FIELD(frameobj_locals, "PyFrameObject", "f_locals", false)                          \
	PL_FIELD(frameobj_lasti, "PyFrameObject", "f_lasti", false)                            \
	PL_FIELD(frameobj_localsplus, "PyFrameObject", "f_localsplus", false)                  \
	PL_FIELD(frameobj_valuestack, "PyFrameObject", "f_valuestack", false)                  \
	PL_FIELD(frameobj_stacktop, "PyFrameObject", "f_stacktop", false)      /* <= 3.9 */    \
	PL_FIELD(frameobj_stackdepth, "PyFrameObject", "f_stackdepth", false)  /* 3.10 */      \
	PL_FIELD(frameobj_frame, "PyFrameObject", "f_frame", false)   /* 3.11+: its frame */   \
	PL_FIELD(frameobj_frame_data, "PyFrameObject", "_f_frame_data", false)                 \
	PL_FIELD(frameobj_extra_locals, "PyFrameObject", "f_extra_locals", false) /* 3.13+ */  \
	PL_FIELD(frameobj_locals_cache, "PyFrameObject", "f_locals_cache", false) /* 3.13+ */  \
	PL_FIELD(iframe_code, "_PyInterpreterFrame", "f_code", false)          /* 3.11, 3.12 */ \
	PL_FIELD(iframe_executable, "_PyInterpreterFrame", "f_executable", false) /* 3.13+ */  \
	PL_FIELD(iframe_previous, "_PyInterpreterFrame", "previous", false)                    \
	PL_FIELD(iframe_func, "_PyInterpreterFrame", "f_func", false)          /* 3.11 */      \
	PL_FIELD(iframe_funcobj, "_PyInterpreterFrame", "f_funcobj", false)    /* 3.12+ */     \
	PL_FIELD(iframe_locals, "_PyInterpreterFrame", "f_locals", false)                      \
	PL_FIELD(iframe_frame_obj, "_PyInterpreterFrame", "frame_obj", false)                  \
	PL_FIELD(iframe_prev_instr, "_PyInterpreterFrame", "prev_instr", false) /* 3.11, 3.12 */ \
	PL_FIELD(iframe_instr_ptr, "_PyInterpreterFrame", "instr_ptr", false)  /* 3.13+ */     \
	PL_FIELD(iframe_owner, "_PyInterpreterFrame", "owner", false)                          \
	PL_FIELD(iframe_stacktop, "_PyInterpreterFrame", "stacktop", false)    /* 3.11 - 3.13 */ \
	PL_FIELD(iframe_stackpointer, "_PyInterpreterFrame", "stackpointer", false) /* 3.14+ */ \
	PL_FIELD(iframe_localsplus, "_PyInterpreterFrame", "localsplus", false)                \
	PL_FIELD(gen_frame, "PyGenObject", "gi_frame", false)         /* <= 3.10 */            \
	PL_FIELD(gen_code, "PyGenObject", "gi_code", false)           /* <= 3.11 */            \
	PL_FIELD(gen_name, "PyGenObject", "gi_name", PL_PY3)                                  \
	PL_FIELD(gen_qualname, "PyGenObject", "gi_qualname", PL_PY3)                          \
	PL_FIELD(gen_iframe, "PyGenObject", "gi_iframe", false)       /* 3.11+ */              \
	PL_FIELD(gen_frame_state, "PyGenObject", "gi_frame_state", false) /* 3.11+ */          \
	PL_FIELD(gen_exc_type, "PyGenObject", "gi_exc_state.exc_type", false) /* 3.7 - 3.10 */ \
	PL_FIELD(gen_exc_value, "PyGenObject", "gi_exc_state.exc_value", false) /* 3.7+ */     \
	PL_FIELD(gen_exc_traceback, "PyGenObject", "gi_exc_state.exc_traceback", false)        \
	PL_FIELD(gen_origin_or_finalizer, "PyGenObject", "gi_origin_or_finalizer", false) /* 3.11+ */ \
	PL_FIELD(coro_origin, "PyCoroObject", "cr_origin", false)     /* 3.7 - 3.10 */         \
	PL_FIELD(asyncgen_finalizer, "PyAsyncGenObject", "ag_finalizer", false) /* <= 3.10 */  \
	PL_FIELD(traceback_next, "PyTracebackObject", "tb_next", true)                         \
	PL_FIELD(traceback_frame, "PyTracebackObject", "tb_frame", true)                       \
	/* exceptions */                                                                        \
	PL_SIZE(base_exception, "PyBaseExceptionObject", true)                                 \
	PL_FIELD(exc_dict, "PyBaseExceptionObject", "dict", true)                              \
	PL_FIELD(exc_args, "PyBaseExceptionObject", "args", true)                              \
	PL_FIELD(exc_notes, "PyBaseExceptionObject", "notes", false)           /* 3.11+ */     \
	PL_FIELD(exc_traceback, "PyBaseExceptionObject", "traceback", PL_PY3)                 \
	PL_FIELD(exc_context, "PyBaseExceptionObject", "context", PL_PY3)                     \
	PL_FIELD(exc_cause, "PyBaseExceptionObject", "cause", PL_PY3)                         \
	/* C types of the stdlib built into libpython, told apart by tp_name */                 \
	PL_SIZE(partial, "partialobject", false)                                               \
	PL_FIELD(partial_fn, "partialobject", "fn", false)                                     \
	PL_FIELD(partial_args, "partialobject", "args", false)                                 \
	PL_FIELD(partial_kw, "partialobject", "kw", false)                                     \
	PL_FIELD(partial_dict, "partialobject", "dict", false)                                 \
	PL_FIELD(union_args, "unionobject", "args", false)                                     \
	PL_FIELD(union_hashable_args, "unionobject", "hashable_args", false)     /* 3.14+ */   \
	PL_FIELD(union_unhashable_args, "unionobject", "unhashable_args", false) /* 3.14+ */   \
	PL_FIELD(union_parameters, "unionobject", "parameters", false)                         \
	PL_FIELD(lazy_builtins, "PyLazyImportObject", "lz_builtins", false)                    \
	PL_FIELD(lazy_from, "PyLazyImportObject", "lz_from", false)                            \
	PL_FIELD(lazy_attr, "PyLazyImportObject", "lz_attr", false)                            \
	PL_FIELD(lazy_code, "PyLazyImportObject", "lz_code", false)                            \
	/* the stdlib's C types decoded field by field (refs/c_types.c) */                     \
	PL_FIELD(listiter_seq, "listiterobject", "it_seq", false)                              \
	PL_FIELD(listiter_seq_pc, "_PyListIterObject", "it_seq", false)                        \
	PL_FIELD(tupleiter_seq, "tupleiterobject", "it_seq", false)                            \
	PL_FIELD(tupleiter_seq_pc, "_PyTupleIterObject", "it_seq", false)                      \
	PL_FIELD(listreviter_seq, "listreviterobject", "it_seq", false)                        \
	PL_FIELD(seqiter_seq, "seqiterobject", "it_seq", false)                                \
	PL_FIELD(calliter_callable, "calliterobject", "it_callable", false)                    \
	PL_FIELD(calliter_sentinel, "calliterobject", "it_sentinel", false)                    \
	PL_FIELD(enum_sit, "enumobject", "en_sit", false)                                      \
	PL_FIELD(enum_result, "enumobject", "en_result", false)                                \
	PL_FIELD(enum_longindex, "enumobject", "en_longindex", false)                          \
	PL_FIELD(enum_one, "enumobject", "one", false)                                         \
	PL_FIELD(reversed_seq, "reversedobject", "seq", false)                                 \
	PL_FIELD(filter_func, "filterobject", "func", false)                                   \
	PL_FIELD(filter_it, "filterobject", "it", false)                                       \
	PL_FIELD(map_func, "mapobject", "func", false)                                         \
	PL_FIELD(map_iters, "mapobject", "iters", false)                                       \
	PL_FIELD(zip_ittuple, "zipobject", "ittuple", false)                                   \
	PL_FIELD(zip_result, "zipobject", "result", false)                                     \
	PL_FIELD(memoryview_mbuf, "PyMemoryViewObject", "mbuf", false)                         \
	PL_FIELD(memoryview_obj, "PyMemoryViewObject", "view.obj", false)                      \
	PL_FIELD(managedbuffer_obj, "_PyManagedBufferObject", "master.obj", false)             \
	PL_FIELD(context_prev, "PyContext", "ctx_prev", false)                                 \
	PL_FIELD(context_vars, "PyContext", "ctx_vars", false)                                 \
	PL_FIELD(contextvar_name, "PyContextVar", "var_name", false)                           \
	PL_FIELD(contextvar_default, "PyContextVar", "var_default", false)                     \
	PL_FIELD(token_ctx, "PyContextToken", "tok_ctx", false)                                \
	PL_FIELD(token_var, "PyContextToken", "tok_var", false)                                \
	PL_FIELD(token_oldval, "PyContextToken", "tok_oldval", false)                          \
	PL_FIELD(hamt_root, "PyHamtObject", "h_root", false)                                   \
	PL_FIELD(hamt_bitmap_array, "PyHamtNode_Bitmap", "b_array", false)                     \
	PL_FIELD(hamt_collision_array, "PyHamtNode_Collision", "c_array", false)               \
	PL_FIELD(hamt_array_array, "PyHamtNode_Array", "a_array", false)                       \
	PL_FIELD(ga_origin, "gaobject", "origin", false)                                       \
	PL_FIELD(ga_args, "gaobject", "args", false)                                           \
	PL_FIELD(ga_parameters, "gaobject", "parameters", false)                               \
	PL_FIELD(scanner_object_hook, "_PyScannerObject", "object_hook", false)                \
	PL_FIELD(scanner_object_pairs_hook, "_PyScannerObject", "object_pairs_hook", false)    \
	PL_FIELD(scanner_parse_float, "_PyScannerObject", "parse_float", false)                \
	PL_FIELD(scanner_parse_int, "_PyScannerObject", "parse_int", false)                    \
	PL_FIELD(scanner_parse_constant, "_PyScannerObject", "parse_constant", false)          \
	PL_FIELD(scanner_memo, "_PyScannerObject", "memo", false)                              \
	PL_FIELD(struct_format, "PyStructObject", "s_format", false)                           \
	PL_FIELD(abc_registry, "_abc_data", "_abc_registry", false)                            \
	PL_FIELD(abc_cache, "_abc_data", "_abc_cache", false)                                  \
	PL_FIELD(abc_negative_cache, "_abc_data", "_abc_negative_cache", false)                \
	PL_FIELD(lru_func, "lru_cache_object", "func", false)                                  \
	PL_FIELD(lru_maxsize_o, "lru_cache_object", "maxsize_O", false)                        \
	PL_FIELD(lru_kwd_mark, "lru_cache_object", "kwd_mark", false)                          \
	PL_FIELD(lru_elem_type, "lru_cache_object", "lru_list_elem_type", false)               \
	PL_FIELD(lru_cache_info_type, "lru_cache_object", "cache_info_type", false)            \
	PL_FIELD(lru_dict, "lru_cache_object", "dict", false)                                  \
	PL_FIELD(chain_source, "chainobject", "source", false)                                 \
	PL_FIELD(chain_active, "chainobject", "active", false)                                 \
	PL_FIELD(cycle_it, "cycleobject", "it", false)                                         \
	PL_FIELD(cycle_saved, "cycleobject", "saved", false)                                   \
	PL_FIELD(islice_it, "isliceobject", "it", false)                                       \
	PL_FIELD(groupby_it, "groupbyobject", "it", false)                                     \
	PL_FIELD(groupby_keyfunc, "groupbyobject", "keyfunc", false)                           \
	PL_FIELD(groupby_tgtkey, "groupbyobject", "tgtkey", false)                             \
	PL_FIELD(groupby_currkey, "groupbyobject", "currkey", false)                           \
	PL_FIELD(groupby_currvalue, "groupbyobject", "currvalue", false)                       \
	PL_FIELD(grouper_parent, "_grouperobject", "parent", false)                            \
	PL_FIELD(grouper_tgtkey, "_grouperobject", "tgtkey", false)                            \
	PL_FIELD(tee_dataobj, "teeobject", "dataobj", false)                                   \
	PL_FIELD(teedata_it, "teedataobject", "it", false)                                     \
	PL_FIELD(teedata_numread, "teedataobject", "numread", false)                           \
	PL_FIELD(teedata_nextlink, "teedataobject", "nextlink", false)                         \
	PL_FIELD(teedata_values, "teedataobject", "values", false)                             \
	PL_FIELD(accumulate_total, "accumulateobject", "total", false)                         \
	PL_FIELD(accumulate_it, "accumulateobject", "it", false)                               \
	PL_FIELD(accumulate_binop, "accumulateobject", "binop", false)                         \
	PL_FIELD(accumulate_initial, "accumulateobject", "initial", false)                     \
	PL_FIELD(product_pools, "productobject", "pools", false)                               \
	PL_FIELD(product_result, "productobject", "result", false)                             \
	PL_FIELD(starmap_func, "starmapobject", "func", false)                                 \
	PL_FIELD(starmap_it, "starmapobject", "it", false)                                     \
	PL_FIELD(ziplongest_ittuple, "ziplongestobject", "ittuple", false)                     \
	PL_FIELD(ziplongest_result, "ziplongestobject", "result", false)                       \
	PL_FIELD(ziplongest_fillvalue, "ziplongestobject", "fillvalue", false)                 \
	PL_FIELD(compress_data, "compressobject", "data", false)                               \
	PL_FIELD(compress_selectors, "compressobject", "selectors", false)                     \
	PL_FIELD(repeat_element, "repeatobject", "element", false)                             \
	PL_FIELD(count_cnt, "countobject", "long_cnt", false)                                  \
	PL_FIELD(count_step, "countobject", "long_step", false)                                \
	PL_FIELD(takewhile_func, "takewhileobject", "func", false)                             \
	PL_FIELD(takewhile_it, "takewhileobject", "it", false)                                 \
	PL_FIELD(dropwhile_func, "dropwhileobject", "func", false)                             \
	PL_FIELD(dropwhile_it, "dropwhileobject", "it", false)                                 \
	PL_FIELD(filterfalse_func, "filterfalseobject", "func", false)                         \
	PL_FIELD(filterfalse_it, "filterfalseobject", "it", false)                             \
	PL_FIELD(combinations_pool, "combinationsobject", "pool", false)                       \
	PL_FIELD(combinations_result, "combinationsobject", "result", false)                   \
	PL_FIELD(cwr_pool, "cwrobject", "pool", false)                                         \
	PL_FIELD(cwr_result, "cwrobject", "result", false)                                     \
	PL_FIELD(permutations_pool, "permutationsobject", "pool", false)                       \
	PL_FIELD(permutations_result, "permutationsobject", "result", false)                   \
	PL_FIELD(pairwise_it, "pairwiseobject", "it", false)                                   \
	PL_FIELD(pairwise_old, "pairwiseobject", "old", false)                                 \
	PL_FIELD(batched_it, "batchedobject", "it", false)                                     \
	PL_FIELD(typevar_name, "typevarobject", "name", false)                                 \
	PL_FIELD(typevar_bound, "typevarobject", "bound", false)                               \
	PL_FIELD(typevar_evaluate_bound, "typevarobject", "evaluate_bound", false)             \
	PL_FIELD(typevar_constraints, "typevarobject", "constraints", false)                   \
	PL_FIELD(typevar_evaluate_constraints, "typevarobject", "evaluate_constraints", false) \
	PL_FIELD(typevar_default, "typevarobject", "default_value", false)                     \
	PL_FIELD(typevar_evaluate_default, "typevarobject", "evaluate_default", false)         \
	PL_FIELD(typealias_name, "typealiasobject", "name", false)                             \
	PL_FIELD(typealias_qualname, "typealiasobject", "qualname", false)                     \
	PL_FIELD(typealias_type_params, "typealiasobject", "type_params", false)               \
	PL_FIELD(typealias_compute_value, "typealiasobject", "compute_value", false)           \
	PL_FIELD(typealias_value, "typealiasobject", "value", false)                           \
	PL_FIELD(typealias_module, "typealiasobject", "module", false)                         \
	PL_FIELD(paramspec_name, "paramspecobject", "name", false)                             \
	PL_FIELD(paramspec_bound, "paramspecobject", "bound", false)                           \
	PL_FIELD(paramspec_default, "paramspecobject", "default_value", false)                 \
	PL_FIELD(paramspec_evaluate_default, "paramspecobject", "evaluate_default", false)     \
	PL_FIELD(typevartuple_name, "typevartupleobject", "name", false)                       \
	PL_FIELD(typevartuple_default, "typevartupleobject", "default_value", false)           \
	PL_FIELD(typevartuple_evaluate_default, "typevartupleobject", "evaluate_default", false)\
	PL_FIELD(local_key, "localobject", "key", false)                                       \
	PL_FIELD(local_args, "localobject", "args", false)                                     \
	PL_FIELD(local_kw, "localobject", "kw", false)                                         \
	PL_FIELD(local_dummies, "localobject", "dummies", false)                               \
	PL_FIELD(local_wr_callback, "localobject", "wr_callback", false)                       \
	PL_FIELD(local_localdicts, "localobject", "localdicts", false)                         \
	PL_FIELD(local_thread_watchdogs, "localobject", "thread_watchdogs", false)             \
	PL_FIELD(textio_buffer, "textio", "buffer", false)                                     \
	PL_FIELD(textio_encoding, "textio", "encoding", false)                                 \
	PL_FIELD(textio_encoder, "textio", "encoder", false)                                   \
	PL_FIELD(textio_decoder, "textio", "decoder", false)                                   \
	PL_FIELD(textio_readnl, "textio", "readnl", false)                                     \
	PL_FIELD(textio_errors, "textio", "errors", false)                                     \
	PL_FIELD(textio_decoded_chars, "textio", "decoded_chars", false)                       \
	PL_FIELD(textio_pending_bytes, "textio", "pending_bytes", false)                       \
	PL_FIELD(textio_snapshot, "textio", "snapshot", false)                                 \
	PL_FIELD(textio_raw, "textio", "raw", false)                                           \
	PL_FIELD(textio_dict, "textio", "dict", false)                                         \
	PL_FIELD(buffered_raw, "buffered", "raw", false)                                       \
	PL_FIELD(buffered_dict, "buffered", "dict", false)                                     \
	PL_FIELD(fileio_dict, "fileio", "dict", false)                                         \
	PL_FIELD(bytesio_buf, "bytesio", "buf", false)                                         \
	PL_FIELD(bytesio_dict, "bytesio", "dict", false)                                       \
	PL_FIELD(stringio_decoder, "stringio", "decoder", false)                               \
	PL_FIELD(stringio_readnl, "stringio", "readnl", false)                                 \
	PL_FIELD(stringio_writenl, "stringio", "writenl", false)                               \
	PL_FIELD(stringio_dict, "stringio", "dict", false)                                     \
	PL_FIELD(rwpair_reader, "rwpair", "reader", false)                                     \
	PL_FIELD(rwpair_writer, "rwpair", "writer", false)                                     \
	PL_FIELD(rwpair_dict, "rwpair", "dict", false)                                         \
	/* _asyncio, an extension module: from its own DWARF where it is one (runtime.c) */    \
	PL_FIELD(future_loop, "FutureObj", "fut_loop", false)                                  \
	PL_FIELD(future_callback0, "FutureObj", "fut_callback0", false)                        \
	PL_FIELD(future_context0, "FutureObj", "fut_context0", false)                          \
	PL_FIELD(future_callbacks, "FutureObj", "fut_callbacks", false)                        \
	PL_FIELD(future_exception, "FutureObj", "fut_exception", false)                        \
	PL_FIELD(future_exception_tb, "FutureObj", "fut_exception_tb", false)                  \
	PL_FIELD(future_result, "FutureObj", "fut_result", false)                              \
	PL_FIELD(future_source_tb, "FutureObj", "fut_source_tb", false)                        \
	PL_FIELD(future_cancel_msg, "FutureObj", "fut_cancel_msg", false)                      \
	PL_FIELD(future_cancelled_exc, "FutureObj", "fut_cancelled_exc", false)                \
	PL_FIELD(future_dict, "FutureObj", "dict", false)                                      \
	PL_FIELD(task_loop, "TaskObj", "task_loop", false)                                     \
	PL_FIELD(task_callback0, "TaskObj", "task_callback0", false)                           \
	PL_FIELD(task_context0, "TaskObj", "task_context0", false)                             \
	PL_FIELD(task_callbacks, "TaskObj", "task_callbacks", false)                           \
	PL_FIELD(task_exception, "TaskObj", "task_exception", false)                           \
	PL_FIELD(task_exception_tb, "TaskObj", "task_exception_tb", false)                     \
	PL_FIELD(task_result, "TaskObj", "task_result", false)                                 \
	PL_FIELD(task_source_tb, "TaskObj", "task_source_tb", false)                           \
	PL_FIELD(task_cancel_msg, "TaskObj", "task_cancel_msg", false)                         \
	PL_FIELD(task_cancelled_exc, "TaskObj", "task_cancelled_exc", false)                   \
	PL_FIELD(task_dict, "TaskObj", "dict", false)                                          \
	PL_FIELD(task_fut_waiter, "TaskObj", "task_fut_waiter", false)                         \
	PL_FIELD(task_coro, "TaskObj", "task_coro", false)                                     \
	PL_FIELD(task_name, "TaskObj", "task_name", false)                                     \
	PL_FIELD(task_context, "TaskObj", "task_context", false)                               \
	PL_FIELD(stepwrapper_task, "TaskStepMethWrapper", "sw_task", false)                    \
	PL_FIELD(stepwrapper_arg, "TaskStepMethWrapper", "sw_arg", false)                      \
	PL_FIELD(capsule_pointer, "PyCapsule", "pointer", false)                               \
	PL_FIELD(capsule_name, "PyCapsule", "name", false)                                     \
	PL_FIELD(socketapi_sock_type, "PySocketModule_APIObject", "Sock_Type", false)          \
	PL_FIELD(socketapi_error, "PySocketModule_APIObject", "error", false)                  \
	PL_FIELD(socketapi_timeout_error, "PySocketModule_APIObject", "timeout_error", false)  \
	/* _sqlite3, an extension module: from its own DWARF where it is one (runtime.c) */    \
	PL_FIELD(sqlite_isolation_level, "pysqlite_Connection", "isolation_level", false)      \
	PL_FIELD(sqlite_statement_cache, "pysqlite_Connection", "statement_cache", false)      \
	PL_FIELD(sqlite_statements, "pysqlite_Connection", "statements", false)                \
	PL_FIELD(sqlite_cursors, "pysqlite_Connection", "cursors", false)                      \
	PL_FIELD(sqlite_blobs, "pysqlite_Connection", "blobs", false)                          \
	PL_FIELD(sqlite_row_factory, "pysqlite_Connection", "row_factory", false)              \
	PL_FIELD(sqlite_text_factory, "pysqlite_Connection", "text_factory", false)            \
	PL_FIELD(sqlite_function_pinboard, "pysqlite_Connection", "function_pinboard", false)  \
	PL_FIELD(sqlite_pinboard_trace, "pysqlite_Connection", "function_pinboard_trace_callback", false)\
	PL_FIELD(sqlite_pinboard_progress, "pysqlite_Connection", "function_pinboard_progress_handler", false)\
	PL_FIELD(sqlite_pinboard_authorizer, "pysqlite_Connection", "function_pinboard_authorizer_cb", false)\
	PL_FIELD(sqlite_collations, "pysqlite_Connection", "collations", false)                \
	PL_FIELD(pattern_groupindex, "PatternObject", "groupindex", false)                     \
	PL_FIELD(pattern_indexgroup, "PatternObject", "indexgroup", false)                     \
	PL_FIELD(pattern_pattern, "PatternObject", "pattern", false)                           \
	PL_FIELD(combinations_r, "combinationsobject", "r", false)                             \
	PL_FIELD(cwr_r, "cwrobject", "r", false)                                               \
	PL_FIELD(permutations_r, "permutationsobject", "r", false)                             \
	PL_FIELD(sqlitecache_mapping, "pysqlite_Cache", "mapping", false)                      \
	PL_FIELD(sqlitenode_key, "pysqlite_Node", "key", false)                                \
	PL_FIELD(sqlitenode_data, "pysqlite_Node", "data", false)                              \
	PL_FIELD(array_allocated, "arrayobject", "allocated", false)                           \
	PL_FIELD(array_descr, "arrayobject", "ob_descr", false)                                \
	PL_FIELD(arraydescr_itemsize, "arraydescr", "itemsize", false)                         \
	PL_FIELD(itemgetter_item, "itemgetterobject", "item", false)                           \
	PL_FIELD(attrgetter_attr, "attrgetterobject", "attr", false)                           \
	PL_FIELD(methodcaller_name, "methodcallerobject", "name", false)                       \
	PL_FIELD(methodcaller_args, "methodcallerobject", "args", false)                       \
	PL_FIELD(methodcaller_xargs, "methodcallerobject", "xargs", false)                     \
	PL_FIELD(methodcaller_kwds, "methodcallerobject", "kwds", false)                       \
	PL_FIELD(methodcaller_vectorcall_args, "methodcallerobject", "vectorcall_args", false) \
	PL_FIELD(methodcaller_vectorcall_kwnames, "methodcallerobject", "vectorcall_kwnames", false)\
	PL_SIZE(deque, "dequeobject", false)                                                   \
	PL_FIELD(deque_leftblock, "dequeobject", "leftblock", false)                           \
	PL_FIELD(deque_len, "dequeobject", "len", false)              /* 2.7: not ob_size */   \
	PL_FIELD(deque_leftindex, "dequeobject", "leftindex", false)                           \
	PL_FIELD(deque_rightblock, "dequeobject", "rightblock", false)                         \
	PL_FIELD(deque_rightindex, "dequeobject", "rightindex", false)                         \
	PL_FIELD(deque_block_data, "BLOCK", "data", false)                                     \
	PL_FIELD(deque_block_rightlink, "BLOCK", "rightlink", false)                           \
	PL_SIZE(odict, "PyODictObject", PL_PY3)                                               \
	PL_FIELD(odict_first, "PyODictObject", "od_first", PL_PY3)                            \
	PL_FIELD(odict_inst_dict, "PyODictObject", "od_inst_dict", PL_PY3)                    \
	PL_FIELD(odict_fast_nodes_size, "PyODictObject", "od_fast_nodes_size", false)        \
	PL_SIZE(odict_node, "_ODictNode", false)                                              \
	PL_FIELD(odictnode_key, "_ODictNode", "key", PL_PY3)                                  \
	PL_FIELD(odictnode_next, "_ODictNode", "next", PL_PY3)                                \
	PL_FIELD(lru_root_next, "lru_cache_object", "root.next", false)                        \
	PL_FIELD(lru_cache, "lru_cache_object", "cache", false)                              \
	PL_FIELD(lru_elem_next, "lru_list_elem", "next", false)                                \
	PL_FIELD(lru_elem_key, "lru_list_elem", "key", false)                                  \
	PL_FIELD(lru_elem_result, "lru_list_elem", "result", false)                            \
	/* ints (dict keys in labels) */                                                        \
	PL_FIELD(long_digits_old, "PyLongObject", "ob_digit", false)          /* <= 3.11 */    \
	PL_FIELD(long_digits, "PyLongObject", "long_value.ob_digit", false)   /* 3.12+ */      \
	PL_FIELD(long_tag, "PyLongObject", "long_value.lv_tag", false)        /* 3.12+ */      \
	/* strings */                                                                           \
	PL_FIELD(unicode_length, "PyASCIIObject", "length", PL_PY3)                           \
	PL_FIELD(unicode_state, "PyASCIIObject", "state", PL_PY3)                             \
	PL_SIZE(ascii_object, "PyASCIIObject", PL_PY3)                                        \
	PL_SIZE(compact_unicode_object, "PyCompactUnicodeObject", PL_PY3)                     \
	PL_FIELD(bytes_sval, "PyBytesObject", "ob_sval", PL_PY3)/* line tables are bytes */    \
	PL_FIELD(bytearray_alloc, "PyByteArrayObject", "ob_alloc", false)                    \
	PL_FIELD(bytearray_bytes_object, "PyByteArrayObject", "ob_bytes_object", false) /* 3.15+ */\
	PL_FIELD(unicode_wstr, "PyASCIIObject", "wstr", false)             /* <= 3.11 */     \
	PL_FIELD(unicode_wstr_length, "PyCompactUnicodeObject", "wstr_length", false)        \
	PL_FIELD(unicode_utf8, "PyCompactUnicodeObject", "utf8", false)                      \
	PL_FIELD(unicode_utf8_length, "PyCompactUnicodeObject", "utf8_length", false)        \
	PL_SIZE(unicode_object, "PyUnicodeObject", false)                                     \
	PL_FIELD(unicode_data, "PyUnicodeObject", "data", false)                             \
	/* Python 2.7: its dict (one table of entries with hashes), str (bytes), unicode (a  \
	 * separate buffer), int, and old-style classes and instances */                        \
	PL_FIELD(dict2_mask, "PyDictObject", "ma_mask", false)                                 \
	PL_FIELD(dict2_table, "PyDictObject", "ma_table", false)                               \
	PL_FIELD(dict2_smalltable, "PyDictObject", "ma_smalltable", false)                     \
	PL_SIZE(dict2_entry, "PyDictEntry", false)                                             \
	PL_FIELD(dict2_entry_key, "PyDictEntry", "me_key", false)                              \
	PL_FIELD(dict2_entry_value, "PyDictEntry", "me_value", false)                          \
	PL_FIELD(string_sval, "PyStringObject", "ob_sval", false)                              \
	PL_FIELD(string_shash, "PyStringObject", "ob_shash", false)                            \
	PL_FIELD(unicode2_length, "PyUnicodeObject", "length", false)                          \
	PL_FIELD(unicode2_str, "PyUnicodeObject", "str", false)                                \
	PL_FIELD(int_ival, "PyIntObject", "ob_ival", false)                                    \
	PL_FIELD(class_bases, "PyClassObject", "cl_bases", false)                              \
	PL_FIELD(class_dict, "PyClassObject", "cl_dict", false)                                \
	PL_FIELD(class_name, "PyClassObject", "cl_name", false)                                \
	PL_FIELD(class_getattr, "PyClassObject", "cl_getattr", false)                          \
	PL_FIELD(class_setattr, "PyClassObject", "cl_setattr", false)                          \
	PL_FIELD(class_delattr, "PyClassObject", "cl_delattr", false)                          \
	PL_FIELD(instance_class, "PyInstanceObject", "in_class", false)                        \
	PL_FIELD(instance_dict, "PyInstanceObject", "in_dict", false)                          \
	PL_FIELD(method_class, "PyMethodObject", "im_class", false)                            \
	PL_FIELD(dictproxy_dict, "proxyobject", "dict", false)                                 \
	PL_FIELD(exc_message, "PyBaseExceptionObject", "message", false)                       \
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
