/* SPDX-License-Identifier: MIT */
/* c_types.c - the table of the stdlib's C types decoded field by field (see c_types.h): each
 * field the type's tp_traverse visits, by the name it has in the C struct. */
#include <string.h>

#include "base/internal.h"
#include "refs/c_types.h"

#define M(id) offsetof(struct pl_layout, id)
#define F(id, label) { M(id), label, 0 }
#define F_SINCE(id, label, version) { M(id), label, version }
#define NO_ITEMS 0, PL_C_COUNT_NONE, 0, NULL

static const struct pl_c_type c_types[] = {
	{ "list_iterator", { F(listiter_seq, "it_seq"), F(listiter_seq_pc, "it_seq") }, NO_ITEMS },
	{ "tuple_iterator", { F(tupleiter_seq, "it_seq"), F(tupleiter_seq_pc, "it_seq") }, NO_ITEMS },
	{ "list_reverseiterator", { F(listreviter_seq, "it_seq") }, NO_ITEMS },
	/* (2.7's names) */
	{ "listiterator", { F(listiter_seq, "it_seq") }, NO_ITEMS },
	{ "tupleiterator", { F(tupleiter_seq, "it_seq") }, NO_ITEMS },
	{ "listreverseiterator", { F(listreviter_seq, "it_seq") }, NO_ITEMS },
	{ "callable-iterator", { F(calliter_callable, "it_callable"), F(calliter_sentinel, "it_sentinel") },
	  NO_ITEMS },
	{ "iterator", { F(seqiter_seq, "it_seq") }, NO_ITEMS },
	{ "callable_iterator", { F(calliter_callable, "it_callable"), F(calliter_sentinel, "it_sentinel") },
	  NO_ITEMS },
	{ "enumerate", { F(enum_sit, "en_sit"), F(enum_result, "en_result"),
			 F(enum_longindex, "en_longindex"), F(enum_one, "one") }, NO_ITEMS },
	{ "reversed", { F(reversed_seq, "seq") }, NO_ITEMS },
	{ "filter", { F(filter_func, "func"), F(filter_it, "it") }, NO_ITEMS },
	{ "map", { F(map_func, "func"), F(map_iters, "iters") }, NO_ITEMS },
	{ "zip", { F(zip_ittuple, "ittuple"), F(zip_result, "result") }, NO_ITEMS },
	{ "memoryview", { F(memoryview_mbuf, "mbuf"), F(memoryview_obj, "obj") }, NO_ITEMS },
	{ "managedbuffer", { F(managedbuffer_obj, "obj") }, NO_ITEMS },
	{ "_contextvars.Context", { F(context_prev, "ctx_prev"), F(context_vars, "ctx_vars") }, NO_ITEMS },
	{ "_contextvars.ContextVar", { F(contextvar_name, "name"), F(contextvar_default, "default") },
	  NO_ITEMS },
	{ "_contextvars.Token", { F(token_ctx, "tok_ctx"), F(token_var, "var"),
				  F(token_oldval, "old_value") }, NO_ITEMS },
	/* (named without their module up to 3.9) */
	{ "Context", { F(context_prev, "ctx_prev"), F(context_vars, "ctx_vars") }, NO_ITEMS },
	{ "ContextVar", { F(contextvar_name, "name"), F(contextvar_default, "default") }, NO_ITEMS },
	{ "Token", { F(token_ctx, "tok_ctx"), F(token_var, "var"), F(token_oldval, "old_value") },
	  NO_ITEMS },
	{ "hamt", { F(hamt_root, "h_root") }, NO_ITEMS },
	{ "hamt_bitmap_node", { { 0, NULL, 0 } }, M(hamt_bitmap_array), PL_C_COUNT_SIZE, 0, "b_array[%llu]" },
	{ "hamt_collision_node", { { 0, NULL, 0 } }, M(hamt_collision_array), PL_C_COUNT_SIZE, 0,
	  "c_array[%llu]" },
	{ "hamt_array_node", { { 0, NULL, 0 } }, M(hamt_array_array), PL_C_COUNT_FIXED, 32, "a_array[%llu]" },
	{ "types.GenericAlias", { F(ga_origin, "__origin__"), F(ga_args, "__args__"),
				  F(ga_parameters, "__parameters__") }, NO_ITEMS },
	{ "_json.Scanner", { F(scanner_object_hook, "object_hook"),
			     F(scanner_object_pairs_hook, "object_pairs_hook"),
			     F(scanner_parse_float, "parse_float"), F(scanner_parse_int, "parse_int"),
			     F(scanner_parse_constant, "parse_constant"), F(scanner_memo, "memo") },
	  NO_ITEMS },
	{ "_struct.Struct", { F(struct_format, "format") }, NO_ITEMS },
	{ "_abc._abc_data", { F(abc_registry, "_abc_registry"), F(abc_cache, "_abc_cache"),
			      F(abc_negative_cache, "_abc_negative_cache") }, NO_ITEMS },
	{ "typing.TypeVar", { F(typevar_bound, "__bound__"), F(typevar_evaluate_bound, "evaluate_bound"),
			      F(typevar_constraints, "__constraints__"),
			      F(typevar_evaluate_constraints, "evaluate_constraints"),
			      F(typevar_default, "__default__"), F(typevar_evaluate_default, "evaluate_default"),
			      F(typevar_name, "__name__") },
	  NO_ITEMS },
	{ "typing.TypeAliasType", { F(typealias_type_params, "__type_params__"),
				    F(typealias_compute_value, "compute_value"), F(typealias_value, "__value__"),
				    F(typealias_module, "__module__"), F(typealias_name, "__name__"),
				    F(typealias_qualname, "__qualname__") }, NO_ITEMS },
	{ "typing.ParamSpec", { F(paramspec_bound, "__bound__"), F(paramspec_default, "__default__"),
				F(paramspec_evaluate_default, "evaluate_default"), F(paramspec_name, "__name__") },
	  NO_ITEMS },
	{ "typing.TypeVarTuple", { F(typevartuple_default, "__default__"),
				   F(typevartuple_evaluate_default, "evaluate_default"),
				   F(typevartuple_name, "__name__") }, NO_ITEMS },
	{ "_thread._local", { F(local_key, "key"), F(local_args, "args"), F(local_kw, "kw"), F(local_dummies, "dummies"),
			      F(local_localdicts, "localdicts"), F(local_wr_callback, "wr_callback"),
			      F(local_thread_watchdogs, "thread_watchdogs") }, NO_ITEMS },
	{ "_io.TextIOWrapper", { F(textio_buffer, "buffer"), F(textio_encoding, "encoding"),
				 F(textio_encoder, "encoder"), F(textio_decoder, "decoder"),
				 F(textio_readnl, "readnl"), F(textio_errors, "errors"),
				 F(textio_decoded_chars, "decoded_chars"),
				 F(textio_pending_bytes, "pending_bytes"), F(textio_snapshot, "snapshot"),
				 F(textio_raw, "raw"), F(textio_dict, "__dict__") }, NO_ITEMS },
	{ "_io.BufferedReader", { F(buffered_raw, "raw"), F(buffered_dict, "__dict__") }, NO_ITEMS },
	{ "_io.BufferedWriter", { F(buffered_raw, "raw"), F(buffered_dict, "__dict__") }, NO_ITEMS },
	{ "_io.BufferedRandom", { F(buffered_raw, "raw"), F(buffered_dict, "__dict__") }, NO_ITEMS },
	{ "_io.BufferedRWPair", { F(rwpair_reader, "reader"), F(rwpair_writer, "writer"),
				  F(rwpair_dict, "__dict__") }, NO_ITEMS },
	{ "_io.FileIO", { F(fileio_dict, "__dict__") }, NO_ITEMS },
	{ "_io.BytesIO", { F(bytesio_buf, "buf"), F(bytesio_dict, "__dict__") }, NO_ITEMS },
	{ "_io.StringIO", { F(stringio_decoder, "decoder"), F(stringio_readnl, "readnl"),
			    F(stringio_writenl, "writenl"), F(stringio_dict, "__dict__") }, NO_ITEMS },
	{ "_asyncio.Future", { F(future_loop, "_loop"), F(future_callback0, "callback0"),
			       F(future_context0, "context0"), F(future_callbacks, "_callbacks"),
			       F(future_result, "_result"), F(future_exception, "_exception"),
			       F(future_exception_tb, "_exception_tb"),
			       F(future_source_tb, "_source_traceback"),
			       F(future_cancel_msg, "_cancel_message"),
			       F(future_cancelled_exc, "_cancelled_exc"), F(future_dict, "__dict__") },
	  NO_ITEMS },
	{ "_asyncio.Task", { F(task_loop, "_loop"), F(task_callback0, "callback0"),
			     F(task_context0, "context0"), F(task_callbacks, "_callbacks"),
			     F(task_result, "_result"), F(task_exception, "_exception"),
			     F(task_exception_tb, "_exception_tb"), F(task_source_tb, "_source_traceback"),
			     F(task_cancel_msg, "_cancel_message"), F(task_cancelled_exc, "_cancelled_exc"),
			     F(task_dict, "__dict__"), F(task_fut_waiter, "_fut_waiter"),
			     F(task_coro, "_coro"), F(task_name, "_name"), F(task_context, "_context") },
	  NO_ITEMS },
	{ "_asyncio.TaskStepMethWrapper", { F(stepwrapper_task, "task"), F(stepwrapper_arg, "arg") },
	  NO_ITEMS },
	{ "TaskStepMethWrapper", { F(stepwrapper_task, "task"), F(stepwrapper_arg, "arg") }, NO_ITEMS },
	{ "sqlite3.Connection", { F(sqlite_isolation_level, "isolation_level"),
				  F(sqlite_statement_cache, "statement_cache"),
				  F(sqlite_statements, "statements"), F(sqlite_cursors, "cursors"),
				  F(sqlite_blobs, "blobs"), F(sqlite_row_factory, "row_factory"),
				  F(sqlite_text_factory, "text_factory"),
				  F(sqlite_function_pinboard, "function_pinboard"),
				  F(sqlite_pinboard_trace, "trace callback"),
				  F(sqlite_pinboard_progress, "progress handler"),
				  F(sqlite_pinboard_authorizer, "authorizer"),
				  F(sqlite_collations, "collations") }, NO_ITEMS },
	{ "typing.Union", { F(union_args, "__args__"), F(union_hashable_args, "hashable_args"),
			    F(union_unhashable_args, "unhashable_args"), F(union_parameters, "__parameters__") },
	  NO_ITEMS },
	{ "types.UnionType", { F(union_args, "__args__"), F(union_parameters, "__parameters__") },
	  NO_ITEMS },
	{ "lazy_import", { F(lazy_builtins, "builtins"), F(lazy_from, "from"), F(lazy_attr, "attr"),
			   F(lazy_code, "code") }, NO_ITEMS },
	{ "re.Pattern", { F(pattern_groupindex, "groupindex"), F(pattern_indexgroup, "indexgroup"),
			  F(pattern_pattern, "pattern") }, NO_ITEMS },
	{ "_sre.SRE_Pattern", { F(pattern_groupindex, "groupindex"), F(pattern_indexgroup, "indexgroup"),
				F(pattern_pattern, "pattern") }, NO_ITEMS },
	/* (its factory is the connection that owns it, held without a reference) */
	{ "sqlite3.Cache", { F(sqlitecache_mapping, "mapping") }, NO_ITEMS },
	{ "sqlite3.Node", { F(sqlitenode_key, "key"), F(sqlitenode_data, "data") }, NO_ITEMS },
	{ "functools._lru_list_elem", { F(lru_elem_key, "key"), F(lru_elem_result, "result") }, NO_ITEMS },
	{ "operator.itemgetter", { F(itemgetter_item, "item") }, NO_ITEMS },
	{ "operator.attrgetter", { F(attrgetter_attr, "attr") }, NO_ITEMS },
	/* (3.13 keeps vectorcall_args as a C array, 3.14+ as a tuple) */
	{ "operator.methodcaller", { F(methodcaller_name, "name"), F(methodcaller_args, "args"),
				     F(methodcaller_xargs, "xargs"), F(methodcaller_kwds, "kwds"),
				     F_SINCE(methodcaller_vectorcall_args, "vectorcall_args", 0x030e0000),
				     F(methodcaller_vectorcall_kwnames, "vectorcall_kwnames") }, NO_ITEMS },
	{ "itertools.chain", { F(chain_source, "source"), F(chain_active, "active") }, NO_ITEMS },
	{ "itertools.cycle", { F(cycle_it, "it"), F(cycle_saved, "saved") }, NO_ITEMS },
	{ "itertools.islice", { F(islice_it, "it") }, NO_ITEMS },
	{ "itertools.groupby", { F(groupby_it, "it"), F(groupby_keyfunc, "keyfunc"),
				 F(groupby_tgtkey, "tgtkey"), F(groupby_currkey, "currkey"),
				 F(groupby_currvalue, "currvalue") }, NO_ITEMS },
	{ "itertools._grouper", { F(grouper_parent, "parent"), F(grouper_tgtkey, "tgtkey") }, NO_ITEMS },
	{ "itertools._tee", { F(tee_dataobj, "dataobj") }, NO_ITEMS },
	{ "itertools._tee_dataobject", { F(teedata_it, "it"), F(teedata_nextlink, "nextlink") },
	  M(teedata_values), PL_C_COUNT_INT32, M(teedata_numread), "values[%llu]" },
	{ "itertools.accumulate", { F(accumulate_total, "total"), F(accumulate_it, "it"),
				    F(accumulate_binop, "binop"), F(accumulate_initial, "initial") },
	  NO_ITEMS },
	{ "itertools.product", { F(product_pools, "pools"), F(product_result, "result") }, NO_ITEMS },
	{ "itertools.starmap", { F(starmap_func, "func"), F(starmap_it, "it") }, NO_ITEMS },
	{ "itertools.zip_longest", { F(ziplongest_ittuple, "ittuple"), F(ziplongest_result, "result"),
				     F(ziplongest_fillvalue, "fillvalue") }, NO_ITEMS },
	{ "itertools.compress", { F(compress_data, "data"), F(compress_selectors, "selectors") }, NO_ITEMS },
	{ "itertools.repeat", { F(repeat_element, "element") }, NO_ITEMS },
	{ "itertools.count", { F(count_cnt, "long_cnt"), F(count_step, "long_step") }, NO_ITEMS },
	{ "itertools.takewhile", { F(takewhile_func, "func"), F(takewhile_it, "it") }, NO_ITEMS },
	{ "itertools.dropwhile", { F(dropwhile_func, "func"), F(dropwhile_it, "it") }, NO_ITEMS },
	{ "itertools.filterfalse", { F(filterfalse_func, "func"), F(filterfalse_it, "it") }, NO_ITEMS },
	{ "itertools.combinations", { F(combinations_pool, "pool"), F(combinations_result, "result") },
	  NO_ITEMS },
	{ "itertools.combinations_with_replacement", { F(cwr_pool, "pool"), F(cwr_result, "result") },
	  NO_ITEMS },
	{ "itertools.permutations", { F(permutations_pool, "pool"), F(permutations_result, "result") },
	  NO_ITEMS },
	{ "itertools.pairwise", { F(pairwise_it, "it"), F(pairwise_old, "old") }, NO_ITEMS },
	{ "itertools.batched", { F(batched_it, "it") }, NO_ITEMS },
};

/* Does L have at least one of T's fields (or its items)? */
static bool known_here(const struct pl_c_type *t, const struct pl_layout *l)
{
	if (t->count_kind != PL_C_COUNT_NONE && pl_c_offset(l, t->items) >= 0 &&
	    (t->count_kind != PL_C_COUNT_INT32 || pl_c_offset(l, t->count) >= 0))
		return true;
	for (size_t i = 0; i < PL_C_FIELDS && t->fields[i].label; i++)
		if (pl_c_offset(l, t->fields[i].member) >= 0)
			return true;
	return false;
}

const struct pl_c_type *pl_c_type_find(const char *name, const struct pl_layout *l)
{
	for (size_t i = 0; i < PL_ARRAY_SIZE(c_types); i++)
		if (strcmp(c_types[i].name, name) == 0)
			return known_here(&c_types[i], l) ? &c_types[i] : NULL;
	return NULL;
}
