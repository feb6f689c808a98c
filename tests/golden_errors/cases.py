"""Functions nopython mode must reject, one per golden file <name>.txt.

Each `case_<name>` is called with ARGS[name] (no arguments when absent).
The line numbers of this file are part of the golden messages: add new
cases at the end.
"""
import math

GLOBAL_LIST = [1, 2, 3]


def plain_helper(x):
    return x + 1


def case_add_int_tuple(x):
    return x + (1, 2)


def case_add_int_none(x):
    return x + None


def case_generator(n):
    for i in range(n):
        yield i


def case_with_statement(x):
    with open("f") as f:
        return x


def case_try_except(x):
    try:
        return 1 // x
    except ZeroDivisionError as e:
        return len(str(e))


def case_list_mixed(x):
    items = [x, 2.5, "three"]
    return items


def case_generator_expression(n):
    return len(i * i for i in range(n))


def case_dict(x):
    d = {}
    return len(d) + x


def case_set(x):
    return {x, [1]}


def case_string_concat(x):
    return "value: " + x


def case_class_definition(x):
    class Point:
        pass
    return x


def case_fstring(x):
    return f"{range(x)}"


def case_import(x):
    import os
    return x


def case_unknown_global(x):
    return x + undefined_name  # noqa: F821


def case_global_list(i):
    return GLOBAL_LIST[i]


def case_plain_function_call(x):
    return plain_helper(x)


def case_unsupported_builtin(x):
    return hex(x)


def case_abs_two_args(x):
    return abs(x, x)


def case_range_no_args(x):
    return range()


def case_round_three_args(x):
    return round(x, 1, 2)


def case_divmod_one_arg(x):
    return divmod(x)


def case_len_of_int(x):
    return len(x)


def case_unify_variable(x):
    if x > 0:
        y = 1
    else:
        y = (1, 2)
    return y


def case_unify_return(x):
    if x > 0:
        return 1.5
    return (x, x)


def case_math_unknown(x):
    return math.foo(x)


def case_lambda(x):
    f = lambda y: y + x  # noqa: E731
    return f(x)


def case_global_assignment(x):
    global GLOBAL_LIST
    GLOBAL_LIST = x
    return x


def case_index_int(x):
    return x[0]


def case_tuple_runtime_index(t, i):
    return t[i]


def case_iterate_mixed_tuple(t):
    s = 0
    for v in t:
        s += v
    return s


def case_complex_ordering(a, b):
    return a < b


def case_raise_runtime_message(x):
    raise ValueError(x)


def case_attribute_of_int(x):
    return x.foo


def case_star_args(*args):
    return 1


def case_list_argument(items):
    return items


def case_keyword_to_builtin(x):
    return abs(x=x)


def case_slice_runtime_bounds(t, n):
    return t[:n]


def case_optional_may_be_none(n):
    y = None
    if n > 0:
        y = n
    return y + 1


ARGS = {
    "add_int_tuple": (1,), "add_int_none": (1,), "generator": (3,), "with_statement": (1,), "try_except": (1,),
    "list_mixed": (1,), "generator_expression": (3,), "dict": (1,), "set": (1,), "string_concat": (1,),
    "class_definition": (1,), "fstring": (1,), "import": (1,), "unknown_global": (1,), "global_list": (0,),
    "plain_function_call": (1,), "unsupported_builtin": (3,), "abs_two_args": (1,), "range_no_args": (1,),
    "round_three_args": (1.5,), "divmod_one_arg": (1,), "len_of_int": (1,), "unify_variable": (1,),
    "unify_return": (1,), "math_unknown": (1.0,), "lambda": (1,), "global_assignment": (1,), "index_int": (1,),
    "tuple_runtime_index": ((1, 2.5), 0), "iterate_mixed_tuple": ((1, 2.5),), "complex_ordering": (1j, 2j),
    "raise_runtime_message": (1,), "attribute_of_int": (1,), "star_args": (1,), "list_argument": ([],),
    "keyword_to_builtin": (1,), "slice_runtime_bounds": ((1, 2, 3), 2), "optional_may_be_none": (1,),
}
