"""Every geometric tolerance and matching threshold of the pipeline, named once, one comment each.

Distances are in PDF points (pt); "× size" is a share of the font size of the glyph, word or line at
hand, so the tolerance scales with the type; "× body" a share of the report's body text size. The
report's vocabulary is not here (that is `config/`): only how far apart things may be and still count
as one. Frozen: `TOL` is the one instance the stages default to; the functions that read a tolerance take a
`tol: Tolerances = TOL` (the extract stage from `assemble` down: segment's Grammar, the fields' Metrics, the
tables, hyphenation; page furniture; reconcile and the archive check), so a test passes its own
`Tolerances(...)`. Not yet: the layout engines (`layout/lines.py`, `layout/pdfium_engine.py`) and the rule
functions (`findings.py`, `doubts.py` rules), which read `TOL`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerances:
    # ---------------------------------------------------------------- layout: glyphs → words → lines
    baseline: float = 0.3  # × size: glyphs whose bottoms differ by at most this share one line
    baseline_min: float = 1.0  # pt: … but never less than this (tiny or sizeless glyphs)
    sizeless: float = 10.0  # pt: the size assumed for a glyph that reports none
    fake_bold: float = 0.5  # pt: the same glyph again this close in x is overprinting ("fake bold"), kept once
    word_gap: float = 0.12  # × size: an undrawn gap wider than this between two glyphs separates two words
    min_size: float = 1.0  # pt: a glyph smaller than this (or sizeless) counts as this size for `word_gap`
    long_line_words: int = 3  # words: a line with more is long enough to tell whether its producer draws spaces
    drawn_line_ends: float = 0.03  # share of long lines: fewer ending in a drawn space → the producer draws none
    run_gap: float = 0.5  # × size: a gap wider than this after a word ends its run (a cell or a column)
    # ---------------------------------------------------------------- layout: the pdfium glyph loops (C and Python)
    upright_angle: float = 0.01  # radians: a glyph turned less than this from 0 (or 2π) is upright
    upright_skew: float = 0.01  # an inkless space's matrix with |b| above this share of a is not upright
    space_em: float = 0.25  # em: a space's width where the font gives no advance for it
    hyphen_space_slack: float = 0.05  # pt: a text object's bounds this close to a line-end hyphen still hold a space
    ligature_ink_slack: float = 0.01  # pt: a ligature's loose box ending this close past its ink ends at the ink
    # ---------------------------------------------------------------- layout: page furniture
    band: float = 0.15  # share of the page height at the top and at the bottom where furniture may sit
    position_tol: float = 3.0  # pt: how far one recurring line's distance from its edge may vary
    min_pages: int = 3  # a recurring line, or a page-number sequence, is printed on at least this many pages
    place_share: float = 0.5  # … at a place where recurring lines make up at least this share of the lines
    frame_quantile: float = 0.2  # the body frame: where the body starts (ends) on this share of the fullest pages
    frame_margin: float = 1.0  # pt: a recurring line lies at least this far outside the body frame to be furniture
    # ---------------------------------------------------------------- extract: segment
    theme_title_size: float = 1.8  # × body: a numbered line at least this large is a theme title
    small_theme_title_size: float = 1.25  # × body: a theme title this large still counts when its goal N.1 follows
    list_title_size: float = 0.45  # share of the theme title size: the least size of the title opening the lists
    title_size_tolerance: float = 0.6  # pt: a project title's wrapped lines differ in size from its number line by less
    label_wrap_lines: int = 3  # lines: a label wrapped inside its "(…)" spans at most this many
    bold_lookback_lines: int = 40  # lines: how far above a plain "Meilensteine:" line bold ones are sought
    title_max_lines: int = 4  # lines: a project's number and title lines span fewer; its since label follows within
    # ---------------------------------------------------------------- extract: edition (Stand, intro)
    stand_lines: int = 80  # lines: the Stand is looked for on the cover and in the document's first this many lines
    stand_furniture_pages: int = 3  # pages: … and in the page furniture of the first this many pages
    intro_size_tolerance: float = 0.5  # pt: lines of one intro paragraph differ in font size by less
    intro_pitch_slack: float = 0.1  # × size: the leading of one intro paragraph may exceed the body's by this much
    intro_heading_size: float = 1.3  # × body: a bold intro line larger than this is a heading, smaller a subheading
    # ---------------------------------------------------------------- extract: fields (joins, paragraphs, entries)
    space_fits: float = 0.25  # × size: a space this wide would have fitted before the column edge …
    edge_slack: float = 0.3  # pt: … which lies this far left of the edge
    default_body_size: float = 11.0  # pt: the body size assumed for a block with no lines
    pitch_floor: float = 0.9  # × body: line gaps below this are not wrapped-line gaps (superscripts, overlaps)
    pitch_cluster: float = 0.25  # pt: line gaps this close together are one gap (rounding)
    default_pitch: float = 1.2  # × body: the line pitch assumed when no two body lines follow each other
    pitch_weight: float = 0.25  # share of the heaviest gap cluster: the smallest cluster this heavy is the pitch
    tab_indent: float = 15.0  # pt: a line starting this far right of the block's left edge is indented text
    tab_gap: float = 0.6  # × size: a gap this wide inside a line jumps to the tab stop
    paragraph_gap: float = 0.1  # × body: lines further apart than the pitch plus this start a new paragraph
    next_word_room: float = 0.3  # × size: the space before a next word that would have fitted on a line
    right_slack: float = 1.0  # pt: a line ending this close to the column's right edge is full
    hard_break_slack: float = 2.0  # pt: … and for a line that ended early (a hard break) this close
    at_tab: float = 2.5  # pt: a word starting this close to the learned tab stop is at the tab
    tab_date_gap: float = 0.4  # × size: at the tab stop (or past a widened gap) a gap this wide ends the date cell
    date_gap: float = 0.9  # × size: anywhere, a gap this wide ends the date cell
    date_words_max: int = 7  # words: a widened date cell ends within this many words
    widened_gap: float = 2.0  # × the line's usual word space: a gap this wide ends a widened date cell
    default_tab: float = 60.0  # pt: where entry text starts right of the block's left edge when no tab stop was learned
    date_column: float = 3.0  # pt: a line starting at least this far left of the tab stop starts in the date column
    date_alone_reach: float = 0.45  # share of the text column's width: a date alone on its line ends within it
    hyphenating_share: float = 0.03  # share of an edition's lines: more ending in a hyphen before a lower-case word
    # mean a producer that hyphenates (its line-end hyphens are weighed, else all are kept as printed)
    # ---------------------------------------------------------------- extract: printed tables
    gutter: float = 0.5  # × size: a gap at least this wide between cell words may separate two columns' text
    edge: float = 0.3  # × size: a word starting this little left of a column's start still belongs to it
    header_cell_gap: float = 0.9  # × size: an upright header line splits into cells at gaps wider than this
    reach: float = 1.5  # × size: a line this far below the table's last line (and past `row_gaps`) is not in it
    row_gaps: float = 2.0  # × the median gap above a row start: a gap this wide ends the table
    rot_x: float = 0.5  # × height: rotated letters whose centres lie this close in x form one run
    rot_word_gap: float = 0.15  # × height: a vertical gap this wide in a run of rotated letters separates words
    header_pitch: float = 1.5  # × size: a header cell's wrapped lines follow each other at most this far apart
    title_size: float = 0.5  # pt: a table title's wrapped line has its font size to within this
    run_pitch: float = 1.5  # × size: lines of one cell follow each other at most this far apart (top to top)
    min_named: int = 3  # columns: a header band names at least this many
    # ---------------------------------------------------------------- extract: accounting
    warn_share: float = 0.002  # share of body characters: an edition leaving more unassigned warns
    # ---------------------------------------------------------------- extract: doubts (pipeline/extract/doubts.py)
    doubt_min: int = 3  # records: a misread repeats; fewer records sharing one oddity are the report's own errors
    doubt_share: float = 0.1  # share of the records a check looks at: a pattern of misread is at least this common
    undated_share: float = 0.25  # share of an edition's entries: more without a date means rows were split
    list_title_match: int = 50  # rapidfuzz partial/token-set ratio (0-100) below which a list title is not the body's
    # ---------------------------------------------------------------- across editions: project identities
    link: float = 0.75  # similarity score (0-1): the least that links two projects within the same goal
    link_across: float = 0.78  # … and across goals
    margin: float = 0.05  # a runner-up scoring this close to the best makes a link contested
    weak: float = 0.1  # a link scoring less than this above `link` is reported as weak
    prefilter: int = 60  # title similarity (token set, 0-100) below which projects of different goals are not scored
    description_chars: int = 700  # characters at the start of a description that are compared
    common_since: float = 0.1  # share of an edition's projects above which a shared since value is no evidence
    subset_title: float = 0.95  # discount on token-set title similarity (one title's words a subset of the other's)
    archived_same_number: int = 60  # title similarity (0-100) an archive row needs with the project under its number
    archived_by_title: int = 85  # … or with the most similar previous project when the number does not fit
    # ---------------------------------------------------------------- across editions: archive and findings
    archive_match: int = 80  # the least score (title similarity 0-100 plus the bonus) matching a printed archive row
    archive_edition_bonus: int = 15  # points added when the rebuilt row left in the edition the printed row dates to
    title_match: int = 85  # rapidfuzz token_set_ratio at which an archive row names a project
    rewrite_match: int = 80  # rapidfuzz ratio (0-100) at which a newer entry of another date rewrites an older one
    # ---------------------------------------------------------------- surfaces: `nhr history WORDS`
    title_search: int = 80  # rapidfuzz partial_ratio (0-100) a title needs to match the words given for a project


TOL = Tolerances()
