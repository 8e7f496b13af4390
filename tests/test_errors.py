"""One error hierarchy (pipeline/errors.py): each NhrError is one line and its exit code; anything else is a
bug (exit 1, its traceback under -v), also inside extraction, where only the engines' errors mean a damaged PDF."""

import pytest
from click.testing import CliRunner
from conftest import pdf_of

from pipeline import errors
from pipeline.extract import edition
from pipeline.store import build
from pipeline.surfaces.cli import main

CODES = {
    errors.UsageError: 2,
    errors.ConfigError: 2,
    errors.ExtractError: 6,
    errors.LimitError: 11,
    errors.LockedError: 9,
    errors.StrictError: 10,
    errors.EnvError: 12,
    errors.TablesMissing: 3,
    errors.PdfMissing: 3,
    errors.PdfMismatch: 3,
}
INPUTS = {errors.InputError: 3, errors.DriftError: 7, errors.DuplicateEditionError: 8}


def _raising(exc):
    def fn(*a, **k):
        raise exc

    return fn


def invoke(monkeypatch, exc, *options):
    """`nhr [options] date x` with the date parser raising `exc`."""
    import pipeline.parse.dates as dates

    monkeypatch.setattr(dates, "parse_date", _raising(exc))
    return CliRunner().invoke(main, [*options, "date", "x"])


@pytest.mark.parametrize("cls", list(CODES), ids=lambda c: c.__name__)
def test_each_error_class_is_one_line_and_its_code(monkeypatch, cls):
    assert issubclass(cls, errors.NhrError) and cls.exit_code == CODES[cls]
    r = invoke(monkeypatch, cls("somewhere: something\nwrong"))
    assert r.exit_code == CODES[cls] and r.stderr == "nhr: error: somewhere: something\\nwrong\n"


@pytest.mark.parametrize("cls", list(INPUTS), ids=lambda c: c.__name__)
def test_input_errors_name_the_file_and_keep_their_code(monkeypatch, cls):
    e = cls("a.pdf", "broken")
    assert e.code == e.exit_code == INPUTS[cls] and str(e) == "a.pdf: broken"
    assert errors.InputError("a.pdf", "big", errors.EXIT_LIMIT).exit_code == 11
    r = invoke(monkeypatch, e)
    assert r.exit_code == INPUTS[cls] and r.stderr == "nhr: error: a.pdf: broken\n"


def test_old_import_paths_still_work():
    from pipeline.config import ConfigError
    from pipeline.extract.edition import ExtractError
    from pipeline.extract.rules import RulesConfigError
    from pipeline.store.files import EnvError, LockedError
    from pipeline.store.inputs import EXIT_DRIFT, InputError
    from pipeline.store.workers import LimitError
    from pipeline.surfaces.audit import TablesMissing
    from pipeline.surfaces.report import PdfMismatch

    assert (ConfigError, ExtractError, EnvError, LockedError, InputError, LimitError, TablesMissing, PdfMismatch) == (
        errors.ConfigError,
        errors.ExtractError,
        errors.EnvError,
        errors.LockedError,
        errors.InputError,
        errors.LimitError,
        errors.TablesMissing,
        errors.PdfMismatch,
    )
    assert issubclass(RulesConfigError, errors.ConfigError) and issubclass(RulesConfigError, ValueError)
    assert EXIT_DRIFT == errors.DriftError.exit_code


def test_input_error_pickles_with_its_code():
    import pickle

    e = pickle.loads(pickle.dumps(errors.DriftError("a.pdf", "drifted")))
    assert type(e) is errors.DriftError and (str(e), e.code) == ("a.pdf: drifted", 7)


def test_a_bug_is_exit_1_in_one_line_and_its_traceback_under_verbose(monkeypatch):
    r = invoke(monkeypatch, TypeError("unsupported operand"))
    assert r.exit_code == 1 and len(r.stderr.splitlines()) == 1
    assert "internal error" in r.stderr and "TypeError: unsupported operand" in r.stderr and "-v" in r.stderr
    r = invoke(monkeypatch, TypeError("unsupported operand"), "-v")
    assert r.exit_code == 1 and "Traceback (most recent call last)" in r.stderr and "internal error" in r.stderr


def test_a_bug_inside_extraction_is_not_a_damaged_pdf(monkeypatch):
    monkeypatch.setattr(edition, "extract", _raising(TypeError("'NoneType' object is not subscriptable")))
    with pytest.raises(TypeError):
        build.extract_checked(str(pdf_of("2022-10")), "pdfium")
    conf = str(build.config_dir().resolve())
    monkeypatch.setenv("NHR_CONFIG", conf)  # _work sets it for its worker; restored after the test
    job = build.Job(str(pdf_of("2022-10")), "x.pdf", "pdfium", 1, build.Limits(), conf, build.origin())
    o = build._work(job)
    (msg, code) = o.error
    assert o.edition is None and code == 1 and "internal error" in msg and "damaged" not in msg
    # the worker's traceback travels to the parent, which raises the bug with it as the cause (shown by -v)
    assert o.trace.startswith("Traceback (most recent call last)") and "TypeError" in o.trace
    with pytest.raises(errors.WorkerError, match="x.pdf: internal error") as e:
        build.raise_bug(o)
    assert isinstance(e.value.__cause__, errors.RemoteTraceback) and "raise exc" in str(e.value.__cause__)


def test_a_worker_running_other_code_refuses_the_file(monkeypatch):
    """The start-up check: a worker whose `pipeline` is not the build's extracts nothing (exit 1, internal)."""
    conf = str(build.config_dir().resolve())
    monkeypatch.setenv("NHR_CONFIG", conf)
    o = build._work(build.Job(str(pdf_of("2022-10")), "x.pdf", "pdfium", 1, build.Limits(), conf, "/elsewhere"))
    assert o.edition is None and o.error.code == 1 and "the build from /elsewhere" in o.error.message
    assert o.origin == build.origin() != "/elsewhere"


def test_a_bug_while_checking_a_pdf_is_not_a_damaged_pdf(monkeypatch):
    """store/inputs.py catches only the engines' errors: a bug of nhr while sampling the text is a bug."""
    from pipeline.store import inputs

    monkeypatch.setattr(inputs, "MIN_SAMPLE_CHARS", None)  # comparing an int with None: a TypeError of ours
    with pytest.raises(TypeError):
        inputs.check_pdf(pdf_of("2022-10"))


def test_an_engine_error_is_a_damaged_pdf(monkeypatch):
    from pdfminer.pdfparser import PDFSyntaxError

    monkeypatch.setattr(edition, "extract", _raising(PDFSyntaxError("No /Root object!")))
    with pytest.raises(errors.InputError) as e:
        build.extract_checked(str(pdf_of("2022-10")), "pdfium", display="x.pdf")
    assert e.value.code == 3 and str(e.value).startswith("x.pdf: damaged PDF content (PDFSyntaxError")
    assert isinstance(e.value.__cause__, PDFSyntaxError)
