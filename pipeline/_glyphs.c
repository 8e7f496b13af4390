/* The pdfium engine's glyph loop, compiled: one call per page instead of ~3 ctypes calls per glyph.
 *
 * A line-for-line port of pipeline/pdfium_engine.py:_page_chars_py, which stays the reference and the
 * fallback when this module could not be built; tests/test_engines.py asserts both give identical
 * records. PDFium's functions arrive as addresses taken from pypdfium2 (no headers, no linking), so
 * this file only needs Python.h.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct { float left, top, right, bottom; } RectF;

typedef int (*count_chars_t)(void *);
typedef unsigned int (*get_unicode_t)(void *, int);
typedef int (*get_text_t)(void *, int, int, unsigned short *);
typedef void *(*text_object_t)(void *, int);
typedef int (*char_origin_t)(void *, int, double *, double *);
typedef double (*font_size_t)(void *, int);
typedef float (*char_angle_t)(void *, int);
typedef void *(*obj_font_t)(void *);
typedef unsigned long (*font_name_t)(void *, char *, unsigned long);
typedef int (*font_descent_t)(void *, float, float *);
typedef int (*glyph_width_t)(void *, unsigned int, float, float *);
typedef int (*loose_box_t)(void *, int, RectF *);
typedef int (*obj_bounds_t)(void *, float *, float *, float *, float *);

/* the order of the addresses pdfium_engine.FUNCTIONS passes */
typedef struct {
    count_chars_t count_chars;
    get_unicode_t get_unicode;
    get_text_t get_text;
    text_object_t text_object;
    char_origin_t char_origin;
    font_size_t font_size;
    char_angle_t char_angle;
    obj_font_t obj_font;
    font_name_t font_name;
    font_descent_t font_descent;
    glyph_width_t glyph_width;
    loose_box_t loose_box;
    obj_bounds_t obj_bounds;
} Api;
#define N_FUNCTIONS 13

static const char *BOLD_NAMES[] = {"bold", "black", "heavy", "semibold", "demibold"};

/* what one text object tells about all its glyphs (cached per page, keyed by handle) */
typedef struct {
    void *obj;
    void *font;
    PyObject *size_obj; /* the rounded size, shared by the object's Char records */
    double size;
    int upright, bold;
    double descent;     /* in points */
    int has_bounds;
    double bounds_right;
} Facts;

typedef struct {
    Facts *slots;
    size_t cap, used;
} FactTable;

static void table_free(FactTable *t) {
    for (size_t i = 0; i < t->cap; i++)
        Py_XDECREF(t->slots[i].size_obj);
    PyMem_Free(t->slots);
}

static Facts *table_slot(FactTable *t, void *obj) {
    size_t mask = t->cap - 1, i = ((uintptr_t)obj >> 4) & mask;
    while (t->slots[i].obj && t->slots[i].obj != obj)
        i = (i + 1) & mask;
    return &t->slots[i];
}

static int table_grow(FactTable *t) {
    FactTable n = {PyMem_Calloc(t->cap * 2, sizeof(Facts)), t->cap * 2, t->used};
    if (!n.slots)
        return -1;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].obj)
            *table_slot(&n, t->slots[i].obj) = t->slots[i];
    PyMem_Free(t->slots);
    *t = n;
    return 0;
}

/* Python's round(x, 2): the same correctly rounded result as the reference */
static PyObject *round2(double x) {
    PyObject *f = PyFloat_FromDouble(x);
    if (!f)
        return NULL;
    PyObject *r = PyObject_CallMethod(f, "__round__", "i", 2);
    Py_DECREF(f);
    return r;
}

static int object_facts(const Api *api, void *tp, int i, void *obj, Facts *f) {
    char name[256];
    f->obj = obj;
    f->font = api->obj_font(obj);
    f->size_obj = round2(api->font_size(tp, i));
    if (!f->size_obj)
        return -1;
    f->size = PyFloat_AS_DOUBLE(f->size_obj);
    double angle = (double)api->char_angle(tp, i);
    f->upright = fabs(angle) < 0.01 || fabs(angle - 2 * M_PI) < 0.01;
    f->bold = 0;
    double descent = 0.0;
    if (f->font) {
        unsigned long n = api->font_name(f->font, name, sizeof name);
        if (n == 0 || n > sizeof name)
            name[0] = 0;
        name[sizeof name - 1] = 0;
        for (char *c = name; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c += 'a' - 'A';
        for (size_t k = 0; k < sizeof BOLD_NAMES / sizeof *BOLD_NAMES; k++)
            if (strstr(name, BOLD_NAMES[k]))
                f->bold = 1;
        float d;
        if (api->font_descent(f->font, 1000.0f, &d))
            descent = (double)d / 1000.0;
    }
    f->descent = descent * f->size;
    f->has_bounds = 0;
    return 0;
}

/* the glyph's advance at this size; 0 when PDFium cannot tell (the reference's None) */
static int advance(const Api *api, const Facts *f, unsigned int code, double *out) {
    float w;
    if (f->font && api->glyph_width(f->font, code, (float)f->size, &w)) {
        *out = (double)w;
        return 1;
    }
    return 0;
}

static double space_width(const Api *api, const Facts *f) {
    double w;
    if (advance(api, f, 32, &w) && w != 0.0)
        return w;
    return 0.25 * f->size;
}

static PyObject *make_char(PyTypeObject *type, PyObject *text, double x0, double x1, double top, double bottom,
                           PyObject *size, int bold, int upright) {
    PyObject *c = type->tp_alloc(type, 8);
    if (!c) {
        Py_XDECREF(text);
        return NULL;
    }
    PyObject *v[8] = {text, PyFloat_FromDouble(x0), PyFloat_FromDouble(x1), PyFloat_FromDouble(top),
                      PyFloat_FromDouble(bottom), size, bold ? Py_True : Py_False, upright ? Py_True : Py_False};
    Py_INCREF(size);
    Py_INCREF(v[6]);
    Py_INCREF(v[7]);
    for (int k = 0; k < 8; k++) {
        if (!v[k]) {
            for (int j = 0; j < 8; j++)
                Py_XDECREF(v[j]);
            Py_DECREF(c);
            return NULL;
        }
    }
    for (int k = 0; k < 8; k++)
        PyTuple_SET_ITEM(c, k, v[k]);
    return c;
}

static int push(PyObject *list, PyObject *c) {
    if (!c)
        return -1;
    int r = PyList_Append(list, c);
    Py_DECREF(c);
    return r;
}

static PyObject *page_chars(PyObject *self, PyObject *args) {
    unsigned long long tp_addr;
    double height;
    PyObject *fns, *char_type;
    if (!PyArg_ParseTuple(args, "KdO!O!", &tp_addr, &height, &PyTuple_Type, &fns, &PyType_Type, &char_type))
        return NULL;
    if (PyTuple_GET_SIZE(fns) != N_FUNCTIONS)
        return PyErr_Format(PyExc_ValueError, "expected %d function addresses", N_FUNCTIONS);
    Api api;
    void **slots = (void **)&api;
    for (int k = 0; k < N_FUNCTIONS; k++) {
        slots[k] = PyLong_AsVoidPtr(PyTuple_GET_ITEM(fns, k));
        if (!slots[k])
            return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "null function address %d", k);
    }
    PyTypeObject *type = (PyTypeObject *)char_type;
    void *tp = (void *)(uintptr_t)tp_addr;

    int count = api.count_chars(tp);
    if (count < 0)
        count = 0;
    unsigned short *text = PyMem_Calloc((size_t)count + 1, sizeof *text);
    FactTable table = {PyMem_Calloc(64, sizeof(Facts)), 64, 0};
    PyObject *chars = PyList_New(0);
    if (!text || !table.slots || !chars) {
        PyMem_Free(text);
        PyMem_Free(table.slots);
        Py_XDECREF(chars);
        return PyErr_NoMemory();
    }
    api.get_text(tp, 0, count, text);
    int surrogates = 0;  /* surrogate pairs: indices no longer align with the bulk text */
    for (int i = 0; i < count; i++)
        if (text[i] >= 0xD800 && text[i] <= 0xDFFF)
            surrogates = 1;

    void *last_obj = NULL;
    double last_x1 = 0.0, last_bottom = 0.0, ox = 0.0, oy = 0.0;
    RectF r = {0, 0, 0, 0};  /* like the reference, a failed call leaves the previous values */
    for (int i = 0; i < count; i++) {
        unsigned int code = surrogates ? api.get_unicode(tp, i) : text[i];
        void *obj = api.text_object(tp, i);
        if (!obj)
            continue;  /* generated by PDFium (inferred spaces, line breaks), not drawn */
        if (code < 0x20 || code >= 0xFFFE) {  /* the bulk text blanks PDFium's line-end hyphen mark */
            code = api.get_unicode(tp, i);
            if (code == 0 || code == 10 || code == 13 || code == 0xFFFE || code == 0xFFFF)
                continue;
        }
        Facts *f = table_slot(&table, obj);
        if (!f->obj) {
            if (object_facts(&api, tp, i, obj, f) < 0)
                goto fail;
            if (++table.used * 2 > table.cap) {
                if (table_grow(&table) < 0) {
                    PyErr_NoMemory();
                    goto fail;
                }
                f = table_slot(&table, obj);
            }
        }
        if (!f->upright) {
            api.loose_box(tp, i, &r);
            if (push(chars, make_char(type, PyUnicode_FromOrdinal((int)code), r.left, r.right, height - r.top,
                                      height - r.bottom, f->size_obj, f->bold, 0)) < 0)
                goto fail;
            continue;
        }
        if (code == 32 && obj == last_obj) {
            /* a space only separates words: placed after the previous glyph */
            double sw = space_width(&api, f);
            if (push(chars, make_char(type, PyUnicode_FromOrdinal(32), last_x1, last_x1 + sw, last_bottom - f->size,
                                      last_bottom, f->size_obj, f->bold, 1)) < 0)
                goto fail;
            last_x1 += sw;
            continue;
        }
        int hyphen = code == 2;  /* PDFium's mark for a hyphen that ends a line */
        if (hyphen)
            code = 0x2D;
        double adv;
        api.char_origin(tp, i, &ox, &oy);
        if (!advance(&api, f, code, &adv)) {
            api.loose_box(tp, i, &r);
            adv = (double)r.right - ox;
        }
        double x1 = ox + adv, bottom = height - oy - f->descent;
        if (push(chars, make_char(type, PyUnicode_FromOrdinal((int)code), ox, x1, bottom - f->size, bottom,
                                  f->size_obj, f->bold, 1)) < 0)
            goto fail;
        last_obj = obj;
        last_x1 = x1;
        last_bottom = bottom;
        if (hyphen) {
            /* PDFium drops the space after it, but the text object's bounds still reach that space */
            if (!f->has_bounds) {
                float bl, bb, br, bt;
                f->bounds_right = api.obj_bounds(obj, &bl, &bb, &br, &bt) ? (double)br : -1.0;
                f->has_bounds = 1;
            }
            if (f->bounds_right >= x1 - 0.05) {
                double sw = space_width(&api, f);
                if (push(chars, make_char(type, PyUnicode_FromOrdinal(32), x1, x1 + sw, bottom - f->size, bottom,
                                          f->size_obj, f->bold, 1)) < 0)
                    goto fail;
            }
        }
    }
    PyMem_Free(text);
    table_free(&table);
    return chars;
fail:
    PyMem_Free(text);
    table_free(&table);
    Py_DECREF(chars);
    return NULL;
}

static PyMethodDef methods[] = {
    {"page_chars", page_chars, METH_VARARGS,
     "page_chars(textpage, height, functions, Char) -> list[Char]: one page's drawn glyphs."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_glyphs", "The pdfium engine's glyph loop.", -1, methods};

PyMODINIT_FUNC PyInit__glyphs(void) { return PyModule_Create(&module); }
