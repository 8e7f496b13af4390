/* The pdfium engine's glyph loop, compiled: one call per page instead of ~3 ctypes calls per glyph; and the
 * grouping of both engines' glyphs into lines and words (rows, words: ports of pipeline/layout/lines.py's
 * _rows_py and _words_py, which stay the reference and the fallback, tested equal in tests/unit/test_lines.py and tests/test_engines.py).
 *
 * The glyph loop is a line-for-line port of pipeline/layout/engines/pdfium.py:_page_chars_py, which stays the reference and the
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
typedef struct { float a, b, c, d, e, f; } MatrixF;

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
typedef int (*char_matrix_t)(void *, int, MatrixF *);
typedef int (*char_box_t)(void *, int, double *, double *, double *, double *);
typedef int (*count_objects_t)(void *);
typedef void *(*get_object_t)(void *, int);
typedef int (*object_type_t)(void *);
typedef int (*object_matrix_t)(void *, MatrixF *);
typedef int (*object_font_size_t)(void *, float *);
typedef int (*font_embedded_t)(void *);

/* the order of the addresses engines/pdfium.py FUNCTIONS passes */
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
    char_matrix_t char_matrix;
    char_box_t char_box;
    count_objects_t count_objects;
    get_object_t get_object;
    object_type_t object_type;
    object_matrix_t object_matrix;
    object_font_size_t object_font_size;
    font_embedded_t font_embedded;
} Api;
#define N_FUNCTIONS 21
#define PAGEOBJ_TEXT 1

/* the glyph loops' tolerances: pipeline/tolerances.py is their one source (what each measures is said
 * there); page_chars receives them with each call and sets them here */
static struct {
    double upright_angle, upright_skew, space_em, hyphen_space_slack, ligature_ink_slack;
} tol;
#define UPRIGHT_ANGLE tol.upright_angle
#define UPRIGHT_SKEW tol.upright_skew
#define SPACE_EM tol.space_em
#define HYPHEN_SPACE_SLACK tol.hyphen_space_slack
#define LIGATURE_INK_SLACK tol.ligature_ink_slack

/* engines/pdfium.py STANDARD_DESCENT: the standard fonts' descent from Adobe's metrics, as pdfminer takes it */
static const struct { const char *name; double descent; } STANDARD_DESCENT[] = {
    {"courier", -194.0}, {"courier-bold", -194.0}, {"courier-boldoblique", -194.0}, {"courier-oblique", -194.0},
    {"couriernew", -194.0}, {"couriernew,italic", -194.0}, {"couriernew,bold", -194.0},
    {"couriernew,bolditalic", -194.0},
    {"helvetica", -207.0}, {"helvetica-bold", -207.0}, {"helvetica-boldoblique", -207.0},
    {"helvetica-oblique", -207.0}, {"arial", -207.0}, {"arial,italic", -207.0}, {"arial,bold", -207.0},
    {"arial,bolditalic", -207.0},
    {"times-roman", -217.0}, {"times-bold", -217.0}, {"times-bolditalic", -217.0}, {"times-italic", -217.0},
    {"timesnewroman", -217.0}, {"timesnewroman,italic", -217.0}, {"timesnewroman,bold", -217.0},
    {"timesnewroman,bolditalic", -217.0},
};

/* 1 and the descent per 1000 when `name` (lower case) is a standard font's */
static int standard_descent(const char *name, double *out) {
    for (size_t k = 0; k < sizeof STANDARD_DESCENT / sizeof *STANDARD_DESCENT; k++)
        if (!strcmp(name, STANDARD_DESCENT[k].name)) {
            *out = STANDARD_DESCENT[k].descent;
            return 1;
        }
    return 0;
}

/* what one text object tells about all its glyphs (cached per page, keyed by handle) */
typedef struct {
    void *obj;
    void *font;
    PyObject *size_obj; /* the rounded size, shared by the object's Char records */
    double height;      /* font size times the matrix's vertical scale */
    double xsize;       /* ... and horizontal scale: the size advances are measured at */
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

/* is_bold(name): the bold rule of pipeline/layout/fonts.py, passed in by the caller (one rule for both loops
 * and both engines); the name as the reference passes it, latin-1, lower case */
static int name_is_bold(PyObject *is_bold, const char *name) {
    PyObject *arg = PyUnicode_DecodeLatin1(name, (Py_ssize_t)strlen(name), NULL);
    if (!arg)
        return -1;
    PyObject *r = PyObject_CallOneArg(is_bold, arg);
    Py_DECREF(arg);
    if (!r)
        return -1;
    int bold = PyObject_IsTrue(r);
    Py_DECREF(r);
    return bold;
}

/* (font, size, bold, descent and height in points, width size) of a text object: sizes are the font size
 * times the matrix's scale, as pdfminer's (a producer that scales its whole page, as Chromium does by
 * 0.24 x 2.59, sets 20 pt type for 12.42 pt) */
static int facts(const Api *api, PyObject *is_bold, void *font, double fs, const MatrixF *m, Facts *f) {
    char name[256];
    f->font = font;
    f->height = fs * hypot((double)m->c, (double)m->d);
    f->xsize = fs * hypot((double)m->a, (double)m->b);
    f->size_obj = round2(f->height);
    if (!f->size_obj)
        return -1;
    double descent = 0.0;
    name[0] = 0;
    if (f->font) {
        unsigned long n = api->font_name(f->font, name, sizeof name);
        if (n == 0 || n > sizeof name)
            name[0] = 0;
        name[sizeof name - 1] = 0;
        for (char *c = name; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c += 'a' - 'A';
        float d;
        double sd;
        if (standard_descent(name, &sd) && !api->font_embedded(f->font))
            descent = sd / 1000.0;
        else if (api->font_descent(f->font, 1000.0f, &d))
            descent = (double)d / 1000.0;
    }
    f->descent = descent * f->height;
    f->has_bounds = 0;
    f->bold = name_is_bold(is_bold, name);
    if (f->bold < 0) {
        Py_CLEAR(f->size_obj);
        return -1;
    }
    return 0;
}

/* the facts of glyph i's text object */
static int object_facts(const Api *api, PyObject *is_bold, void *tp, int i, void *obj, Facts *f) {
    MatrixF m = {1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f};
    f->obj = obj;
    if (!api->char_matrix(tp, i, &m)) {
        m.a = 1.0f, m.b = 0.0f, m.c = 0.0f, m.d = 1.0f;
    }
    double angle = (double)api->char_angle(tp, i);
    f->upright = fabs(angle) < UPRIGHT_ANGLE || fabs(angle - 2 * M_PI) < UPRIGHT_ANGLE;
    return facts(api, is_bold, api->obj_font(obj), api->font_size(tp, i), &m, f);
}

/* the glyph's advance at this size; 0 when PDFium cannot tell (the reference's None) */
static int advance(const Api *api, const Facts *f, unsigned int code, double *out) {
    float w;
    if (f->font && api->glyph_width(f->font, code, (float)f->xsize, &w)) {
        *out = (double)w;
        return 1;
    }
    return 0;
}

static double space_width(const Api *api, const Facts *f) {
    double w;
    if (advance(api, f, 32, &w) && w != 0.0)
        return w;
    return SPACE_EM * f->xsize;
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

/* one page's glyph loop: the records so far and the last glyph (engines/pdfium.py _Page) */
typedef struct {
    const Api *api;
    void *tp;
    double height;
    PyTypeObject *type;
    PyObject *is_bold; /* fonts.is_bold: font name -> bool */
    PyObject *chars;
    /* the last upright glyph: text object, index, right edge, bottom, origin, place in chars */
    void *obj;
    int i;
    double x1, bottom, x0, y0;
    Py_ssize_t at;
    /* the last rotated glyph: text object, loose box, place in chars */
    void *rot_obj;
    RectF rot_box;
    Py_ssize_t rot_at;
    int overhang; /* the last glyph is a ligature whose ink reaches past its box: x1 may move */
} Page;

/* chars[at] with `code` appended to its text and, unless x1 is NULL, its right edge moved */
static int replace_char(Page *p, Py_ssize_t at, unsigned int code, const double *x1) {
    PyObject *old = PyList_GET_ITEM(p->chars, at);
    PyObject *c = p->type->tp_alloc(p->type, 8);
    if (!c)
        return -1;
    for (int k = 0; k < 8; k++) {
        PyObject *v = PyTuple_GET_ITEM(old, k);
        Py_INCREF(v);
        PyTuple_SET_ITEM(c, k, v);
    }
    if (code) {
        PyObject *letter = PyUnicode_FromOrdinal((int)code);
        PyObject *text = letter ? PyUnicode_Concat(PyTuple_GET_ITEM(old, 0), letter) : NULL;
        Py_XDECREF(letter);
        if (!text) {
            Py_DECREF(c);
            return -1;
        }
        Py_DECREF(PyTuple_GET_ITEM(c, 0));
        PyTuple_SET_ITEM(c, 0, text);
    }
    if (x1) {
        PyObject *v = PyFloat_FromDouble(*x1);
        if (!v) {
            Py_DECREF(c);
            return -1;
        }
        Py_DECREF(PyTuple_GET_ITEM(c, 2));
        PyTuple_SET_ITEM(c, 2, v);
    }
    return PyList_SetItem(p->chars, at, c);
}

static int same_box(const RectF *a, const RectF *b) {
    return a->left == b->left && a->right == b->right && a->top == b->top && a->bottom == b->bottom;
}

/* a glyph that is not upright: its box is PDFium's loose box; a ligature's letters (one box) join */
static int rotated_glyph(Page *p, int i, void *obj, unsigned int code, const Facts *f) {
    RectF r = {0, 0, 0, 0};
    p->api->loose_box(p->tp, i, &r);
    Py_ssize_t n = PyList_GET_SIZE(p->chars);
    if (obj == p->rot_obj && same_box(&r, &p->rot_box) && p->rot_at == n - 1)
        return replace_char(p, n - 1, code, NULL);
    if (push(p->chars, make_char(p->type, PyUnicode_FromOrdinal((int)code), r.left, r.right, p->height - r.top,
                                 p->height - r.bottom, f->size_obj, f->bold, 0)) < 0)
        return -1;
    p->rot_obj = obj;
    p->rot_box = r;
    p->rot_at = n;
    return 0;
}

/* an overhanging ligature ends where the next glyph of its text object starts on its baseline, if that
 * is before its ink ends */
static int settle(Page *p, void *obj, double x0, double y0) {
    p->overhang = 0;
    if (obj == p->obj && y0 == p->y0 && p->x0 < x0 && x0 < p->x1) {
        p->x1 = x0;
        return replace_char(p, p->at, 0, &x0);
    }
    return 0;
}

/* a space only separates words: placed after the previous glyph, no origin lookup */
static int space(Page *p, int i, const Facts *f) {
    if (p->overhang) {
        double ox = 0.0, oy = 0.0;
        p->api->char_origin(p->tp, i, &ox, &oy);
        if (settle(p, p->obj, ox, oy) < 0)
            return -1;
    }
    double sw = space_width(p->api, f);
    if (push(p->chars, make_char(p->type, PyUnicode_FromOrdinal(32), p->x1, p->x1 + sw, p->bottom - f->height,
                                 p->bottom, f->size_obj, f->bold, 1)) < 0)
        return -1;
    p->x1 += sw;
    return 0;
}

/* Is glyph i, at the last glyph's origin in its text object, a further letter of it (a ligature: PDFium
 * gives one char per letter, all with the glyph's loose box)? Then it joins that Char: 1. Its right edge:
 * the loose box's, which reaches to the advance or to the ink, whichever is further. */
static int ligature(Page *p, int i, unsigned int code) {
    RectF r = {0, 0, 0, 0}, prev = {0, 0, 0, 0};
    p->api->loose_box(p->tp, i, &r);
    if (p->at != PyList_GET_SIZE(p->chars) - 1)
        return 0;
    p->api->loose_box(p->tp, p->i, &prev);
    if (!same_box(&r, &prev))
        return 0;
    double left = 0.0, right = 0.0, bottom = 0.0, top = 0.0, x1 = (double)r.right;
    p->api->char_box(p->tp, i, &left, &right, &bottom, &top);
    if (replace_char(p, p->at, code, &x1) < 0)
        return -1;
    p->i = i;
    p->x1 = x1;
    p->overhang = x1 <= right + LIGATURE_INK_SLACK;
    return 1;
}

/* an upright glyph: pdfminer's box, x from the origin and the glyph's advance; bottom at the baseline
 * minus the font's descent, top one font size above */
static int glyph(Page *p, int i, void *obj, unsigned int code, Facts *f) {
    const Api *api = p->api;
    double x0 = 0.0, y0 = 0.0;
    api->char_origin(p->tp, i, &x0, &y0);
    if (p->overhang && settle(p, obj, x0, y0) < 0)
        return -1;
    if (x0 == p->x0 && y0 == p->y0 && obj == p->obj) {
        int joined = ligature(p, i, code);
        if (joined)
            return joined < 0 ? -1 : 0;
    }
    int hyphen = code == 2; /* PDFium's mark for a hyphen that ends a line */
    if (hyphen)
        code = 0x2D;
    double adv;
    if (!advance(api, f, code, &adv)) {
        RectF r = {0, 0, 0, 0};
        api->loose_box(p->tp, i, &r);
        adv = (double)r.right - x0;
    }
    double x1 = x0 + adv, bottom = p->height - y0 - f->descent;
    if (push(p->chars, make_char(p->type, PyUnicode_FromOrdinal((int)code), x0, x1, bottom - f->height, bottom,
                                 f->size_obj, f->bold, 1)) < 0)
        return -1;
    p->obj = obj, p->i = i, p->x1 = x1, p->bottom = bottom, p->x0 = x0, p->y0 = y0;
    p->at = PyList_GET_SIZE(p->chars) - 1;
    if (!hyphen)
        return 0;
    /* PDFium drops the space after it, but the text object's bounds still reach past the hyphen's ink */
    if (!f->has_bounds) {
        float bl, bb, br, bt;
        f->bounds_right = api->obj_bounds(obj, &bl, &bb, &br, &bt) ? (double)br : -1.0;
        f->has_bounds = 1;
    }
    if (f->bounds_right < x1 - HYPHEN_SPACE_SLACK) {
        double il = 0.0, ir = 0.0, ib = 0.0, it = 0.0;
        if (!api->char_box(p->tp, i, &il, &ir, &ib, &it) || f->bounds_right <= ir + HYPHEN_SPACE_SLACK)
            return 0;
    }
    double sw = space_width(api, f);
    return push(p->chars, make_char(p->type, PyUnicode_FromOrdinal(32), x1, x1 + sw, bottom - f->height, bottom,
                                    f->size_obj, f->bold, 1));
}

/* the text object's facts, looked up or computed */
static Facts *facts_of(const Api *api, PyObject *is_bold, void *tp, int i, void *obj, FactTable *table) {
    Facts *f = table_slot(table, obj);
    if (f->obj)
        return f;
    if (object_facts(api, is_bold, tp, i, obj, f) < 0)
        return NULL;
    if (++table->used * 2 > table->cap) {
        if (table_grow(table) < 0) {
            PyErr_NoMemory();
            return NULL;
        }
        f = table_slot(table, obj);
    }
    return f;
}

static int load_api(PyObject *fns, Api *api) {
    if (PyTuple_GET_SIZE(fns) != N_FUNCTIONS) {
        PyErr_Format(PyExc_ValueError, "expected %d function addresses", N_FUNCTIONS);
        return -1;
    }
    void **slots = (void **)api;
    for (int k = 0; k < N_FUNCTIONS; k++) {
        slots[k] = PyLong_AsVoidPtr(PyTuple_GET_ITEM(fns, k));
        if (!slots[k]) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "null function address %d", k);
            return -1;
        }
    }
    return 0;
}

static int glyph_loop(Page *p, const unsigned short *text, int count, int surrogates, FactTable *table) {
    const Api *api = p->api;
    for (int i = 0; i < count; i++) {
        unsigned int code = surrogates ? api->get_unicode(p->tp, i) : text[i];
        void *obj = api->text_object(p->tp, i);
        if (!obj)
            continue;  /* generated by PDFium (inferred spaces, line breaks), not drawn */
        if (code < 0x20 || code >= 0xFFFE) {  /* the bulk text blanks PDFium's line-end hyphen mark */
            code = api->get_unicode(p->tp, i);
            if (code == 0 || code == 10 || code == 13 || code == 0xFFFE || code == 0xFFFF)
                continue;
        }
        Facts *f = facts_of(api, p->is_bold, p->tp, i, obj, table);
        if (!f)
            return -1;
        int r;
        if (!f->upright)
            r = rotated_glyph(p, i, obj, code, f);
        else if (code == 32 && obj == p->obj)
            r = space(p, i, f);
        else
            r = glyph(p, i, obj, code, f);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* Spaces PDFium leaves out of its text page: an upright text object without ink (Chromium draws each space
 * between words so) is not there, pdfplumber gives its space; placed at the object's origin. */
static int inkless_spaces(Page *p, void *page) {
    const Api *api = p->api;
    int n = api->count_objects(page);
    for (int j = 0; j < n; j++) {
        void *obj = api->get_object(page, j);
        float l, b, r, t, fs;
        MatrixF m;
        if (api->object_type(obj) != PAGEOBJ_TEXT || !api->obj_bounds(obj, &l, &b, &r, &t))
            continue;
        if (l != r || b != t || !api->object_matrix(obj, &m))
            continue;
        if (m.a <= 0 || fabs((double)m.b) > UPRIGHT_SKEW * (double)m.a || !api->object_font_size(obj, &fs))
            continue; /* not upright: rotated spaces separate nothing */
        Facts f;
        memset(&f, 0, sizeof f);
        if (facts(api, p->is_bold, api->obj_font(obj), (double)fs, &m, &f) < 0)
            return -1;
        double sw = space_width(api, &f), x0 = (double)m.e, bottom = p->height - (double)m.f - f.descent;
        int rc = push(p->chars, make_char(p->type, PyUnicode_FromOrdinal(32), x0, x0 + sw, bottom - f.height, bottom,
                                          f.size_obj, f.bold, 1));
        Py_DECREF(f.size_obj);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static PyObject *page_chars(PyObject *self, PyObject *args) {
    unsigned long long tp_addr, page_addr;
    double height;
    PyObject *fns, *char_type, *is_bold;
    if (!PyArg_ParseTuple(args, "KKdO!O!O(ddddd)", &tp_addr, &page_addr, &height, &PyTuple_Type, &fns,
                          &PyType_Type, &char_type, &is_bold, &tol.upright_angle, &tol.upright_skew, &tol.space_em,
                          &tol.hyphen_space_slack, &tol.ligature_ink_slack))
        return NULL;
    if (!PyCallable_Check(is_bold)) {
        PyErr_SetString(PyExc_TypeError, "is_bold must be callable");
        return NULL;
    }
    Api api;
    if (load_api(fns, &api) < 0)
        return NULL;
    Page p;
    memset(&p, 0, sizeof p);
    p.api = &api;
    p.tp = (void *)(uintptr_t)tp_addr;
    p.height = height;
    p.type = (PyTypeObject *)char_type;
    p.is_bold = is_bold;
    p.i = -1, p.at = -1, p.rot_at = -1;

    int count = api.count_chars(p.tp);
    if (count < 0)
        count = 0;
    unsigned short *text = PyMem_Calloc((size_t)count + 1, sizeof *text);
    FactTable table = {PyMem_Calloc(64, sizeof(Facts)), 64, 0};
    p.chars = PyList_New(0);
    if (!text || !table.slots || !p.chars) {
        PyMem_Free(text);
        PyMem_Free(table.slots);
        Py_XDECREF(p.chars);
        return PyErr_NoMemory();
    }
    api.get_text(p.tp, 0, count, text);
    int surrogates = 0;  /* surrogate pairs: indices no longer align with the bulk text */
    for (int i = 0; i < count; i++)
        if (text[i] >= 0xD800 && text[i] <= 0xDFFF)
            surrogates = 1;
    int r = glyph_loop(&p, text, count, surrogates, &table);
    if (r == 0)
        r = inkless_spaces(&p, (void *)(uintptr_t)page_addr);
    PyMem_Free(text);
    table_free(&table);
    if (r < 0) {
        Py_DECREF(p.chars);
        return NULL;
    }
    return p.chars;
}

/* ---- lines: pipeline/layout/lines.py's _rows_py and _words_py, compiled (the same records, both engines) ---- */

static int as_double(PyObject *o, double *out) {
    *out = PyFloat_AsDouble(o);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

static PyObject *char_item(PyObject *c, Py_ssize_t k) {
    if (!PyTuple_Check(c) || PyTuple_GET_SIZE(c) <= k) {
        PyErr_SetString(PyExc_TypeError, "a Char record (a tuple of 7 or more fields) was expected");
        return NULL;
    }
    return PyTuple_GET_ITEM(c, k);
}

typedef struct {
    double key;
    Py_ssize_t at;
} Keyed;

static int by_key(const void *a, const void *b) {
    const Keyed *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return (p->at > q->at) - (p->at < q->at);
}

/* sorted(items, key=itemgetter(k)) as a new list: a stable sort by a float key is the order by (key, position).
 * Py_None when a key is not a float or is NaN (the caller sorts in Python), NULL on error */
static PyObject *sorted_by(PyObject *items, Py_ssize_t k) {
    Py_ssize_t n = PyList_GET_SIZE(items);
    Keyed *a = PyMem_Malloc(((size_t)n + 1) * sizeof *a);
    int in_order = 1;
    if (!a)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = char_item(PyList_GET_ITEM(items, i), k);
        if (!v) {
            PyMem_Free(a);
            return NULL;
        }
        if (!PyFloat_CheckExact(v) || isnan(PyFloat_AS_DOUBLE(v))) {
            PyMem_Free(a);
            Py_RETURN_NONE;
        }
        a[i].key = PyFloat_AS_DOUBLE(v), a[i].at = i;
        in_order = in_order && (i == 0 || a[i - 1].key <= a[i].key);
    }
    if (!in_order)
        qsort(a, (size_t)n, sizeof *a, by_key);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++) {
        PyObject *c = PyList_GET_ITEM(items, a[i].at);
        Py_INCREF(c);
        PyList_SET_ITEM(out, i, c);
    }
    PyMem_Free(a);
    return out;
}

static PyObject *grouped_rows(PyObject *chars, double share, double least, double sizeless);

/* rows(chars, (share, least, sizeless), ordered=False) -> list[list[Char]] | None: the chars by bottom (sorted
 * here unless `ordered`; None when they cannot be, see sorted_by); chars whose bottom lies within
 * max(share * size, least) of the row's first bottom join that row (a size of 0 counts as `sizeless`) */
static PyObject *rows(PyObject *self, PyObject *args) {
    PyObject *chars;
    double share, least, sizeless;
    int ordered = 0;
    if (!PyArg_ParseTuple(args, "O!(ddd)|p", &PyList_Type, &chars, &share, &least, &sizeless, &ordered))
        return NULL;
    if (ordered)
        return grouped_rows(chars, share, least, sizeless);
    PyObject *sorted = sorted_by(chars, 4);
    if (!sorted || sorted == Py_None)
        return sorted;
    PyObject *out = grouped_rows(sorted, share, least, sizeless);
    Py_DECREF(sorted);
    return out;
}

static PyObject *grouped_rows(PyObject *chars, double share, double least, double sizeless) {
    PyObject *row = NULL;
    double ref = -1e9;
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(chars); i++) {
        PyObject *c = PyList_GET_ITEM(chars, i), *so = char_item(c, 5);
        double bottom, size = sizeless;
        if (!so || as_double(PyTuple_GET_ITEM(c, 4), &bottom) < 0)
            goto fail;
        int truth = PyObject_IsTrue(so);
        if (truth < 0 || (truth && as_double(so, &size) < 0))
            goto fail;
        double tol = share * size;
        if (row && bottom - ref <= (tol > least ? tol : least)) {
            if (PyList_Append(row, c) < 0)
                goto fail;
            continue;
        }
        row = PyList_New(1);
        if (!row)
            goto fail;
        Py_INCREF(c);
        PyList_SET_ITEM(row, 0, c);
        int r = PyList_Append(out, row);
        Py_DECREF(row); /* `out` holds it */
        if (r < 0)
            goto fail;
        ref = bottom;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* str.isspace() of a glyph's text: every one of its characters is white space, and it has one */
static int blank(PyObject *t) {
    if (!PyUnicode_Check(t))
        return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(t);
    int kind = PyUnicode_KIND(t);
    const void *data = PyUnicode_DATA(t);
    for (Py_ssize_t k = 0; k < n; k++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)))
            return 0;
    return n > 0;
}

/* Python's round(x, 3). Away from a tie, the nearest integer n of x * 1000 (whose error is below 1e-7 here) is
 * the correctly rounded decimal float.__round__ finds, and n / 1000 is the double nearest to it, which is what
 * float.__round__ returns (its strtod of "ne-3"); near a tie, for huge values and for anything but a float,
 * __round__ itself (tests/unit/test_lines.py compares both on ties and on random values) */
static PyObject *round3(PyObject *x) {
    static PyObject *name = NULL, *three = NULL;
    if (PyFloat_CheckExact(x)) {
        double y = PyFloat_AS_DOUBLE(x) * 1000.0;
        if (fabs(y) < 1e9 && fabs(y - floor(y) - 0.5) > 1e-6)
            return PyFloat_FromDouble(nearbyint(y) / 1000.0);
    }
    if (!name && !(name = PyUnicode_InternFromString("__round__")))
        return NULL;
    if (!three && !(three = PyLong_FromLong(3)))
        return NULL;
    PyObject *argv[2] = {x, three};
    return PyObject_VectorcallMethod(name, argv, 2, NULL);
}

/* one Word of part[0..n): its glyphs' texts, the first glyph's box and font, the last glyph's right edge */
static int emit(PyObject *out, PyTypeObject *type, PyObject **part, Py_ssize_t n, PyObject *space_after) {
    PyObject *c0 = part[0], *text;
    if (n == 1) {
        text = PyTuple_GET_ITEM(c0, 0);
        Py_INCREF(text);
    } else {
        PyObject *texts = PyList_New(n), *empty = PyUnicode_New(0, 0);
        if (!texts || !empty) {
            Py_XDECREF(texts);
            Py_XDECREF(empty);
            return -1;
        }
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *t = PyTuple_GET_ITEM(part[k], 0);
            Py_INCREF(t);
            PyList_SET_ITEM(texts, k, t);
        }
        text = PyUnicode_Join(empty, texts);
        Py_DECREF(texts);
        Py_DECREF(empty);
        if (!text)
            return -1;
    }
    PyObject *v[8] = {text,
                      round3(PyTuple_GET_ITEM(c0, 1)),
                      round3(PyTuple_GET_ITEM(part[n - 1], 2)),
                      round3(PyTuple_GET_ITEM(c0, 3)),
                      round3(PyTuple_GET_ITEM(c0, 4)),
                      PyTuple_GET_ITEM(c0, 5),
                      PyTuple_GET_ITEM(c0, 6),
                      space_after};
    Py_INCREF(v[5]);
    Py_INCREF(v[6]);
    Py_INCREF(v[7]);
    PyObject *w = type->tp_alloc(type, 8);
    int ok = w != NULL;
    for (int k = 0; k < 8; k++)
        ok = ok && v[k] != NULL;
    if (!ok) {
        for (int k = 0; k < 8; k++)
            Py_XDECREF(v[k]);
        Py_XDECREF(w);
        return -1;
    }
    for (int k = 0; k < 8; k++)
        PyTuple_SET_ITEM(w, k, v[k]);
    int r = PyList_Append(out, w);
    Py_DECREF(w);
    return r;
}

/* words(one line's chars, has_spaces, Word, (fake_bold, word_gap, min_size), ordered=False) -> list[Word] | None:
 * the chars by x0 (sorted here unless `ordered`; None when they cannot be, see sorted_by), split at drawn spaces and at gaps wider than word_gap * max(size, min_size); a glyph equal to the previous
 * one and less than fake_bold to its right is the same glyph printed twice and skipped */
static PyObject *split_words(PyObject *row, int has_spaces, PyObject *type, double fake_bold, double word_gap,
                             double min_size);

static PyObject *words(PyObject *self, PyObject *args) {
    PyObject *row, *type;
    int has_spaces, ordered = 0;
    double fake_bold, word_gap, min_size;
    if (!PyArg_ParseTuple(args, "O!pO!(ddd)|p", &PyList_Type, &row, &has_spaces, &PyType_Type, &type, &fake_bold,
                          &word_gap, &min_size, &ordered))
        return NULL;
    if (ordered)
        return split_words(row, has_spaces, type, fake_bold, word_gap, min_size);
    PyObject *sorted = sorted_by(row, 1);
    if (!sorted || sorted == Py_None)
        return sorted;
    PyObject *out = split_words(sorted, has_spaces, type, fake_bold, word_gap, min_size);
    Py_DECREF(sorted);
    return out;
}

static PyObject *split_words(PyObject *row, int has_spaces, PyObject *type, double fake_bold, double word_gap,
                             double min_size) {
    Py_ssize_t n = PyList_GET_SIZE(row), m = 0;
    PyObject **part = PyMem_Malloc(((size_t)n + 1) * sizeof *part), *out = PyList_New(0), *last = NULL;
    PyObject *ended = has_spaces ? Py_True : Py_None, *gap = has_spaces ? Py_False : Py_None;
    double last_x0 = 0.0, last_x1;
    if (!part || !out)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(row, i), *t = char_item(c, 6);
        double x0;
        if (!t || as_double(PyTuple_GET_ITEM(c, 1), &x0) < 0)
            goto fail;
        t = PyTuple_GET_ITEM(c, 0);
        if (last) {
            int same = PyObject_RichCompareBool(t, PyTuple_GET_ITEM(last, 0), Py_EQ);
            if (same < 0)
                goto fail;
            if (same && fabs(x0 - last_x0) < fake_bold)
                continue; /* fake bold: the same glyph printed twice, slightly offset */
            if (as_double(PyTuple_GET_ITEM(last, 2), &last_x1) < 0)
                goto fail;
        } else {
            last_x1 = 0.0;
        }
        last = c, last_x0 = x0;
        if (blank(t)) {
            if (m && emit(out, (PyTypeObject *)type, part, m, ended) < 0)
                goto fail;
            m = 0;
            continue;
        }
        if (m) {
            double size;
            if (as_double(PyTuple_GET_ITEM(c, 5), &size) < 0)
                goto fail;
            if (x0 - last_x1 > word_gap * (size > min_size ? size : min_size)) {
                if (emit(out, (PyTypeObject *)type, part, m, gap) < 0)
                    goto fail;
                m = 0;
            }
        }
        part[m++] = c;
    }
    if (m && emit(out, (PyTypeObject *)type, part, m, gap) < 0)
        goto fail;
    PyMem_Free(part);
    return out;
fail:
    PyMem_Free(part);
    Py_XDECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"rows", rows, METH_VARARGS, "rows(chars, tolerances, ordered=False) -> list[list[Char]] | None: visual lines."},
    {"words", words, METH_VARARGS, "words(chars, has_spaces, Word, tolerances, ordered=False) -> list[Word] | None."},
    {"page_chars", page_chars, METH_VARARGS,
     "page_chars(textpage, page, height, functions, Char, is_bold, tolerances) -> list[Char]: one page's glyphs."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_glyphs", "The pdfium engine's glyph loop; glyphs into lines and words.", -1, methods};

PyMODINIT_FUNC PyInit__glyphs(void) { return PyModule_Create(&module); }
