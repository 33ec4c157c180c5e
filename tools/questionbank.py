"""``questionbank``: the instructor's question bank and exit tickets, for the page and for an LMS.

The source is ``book/instructor/question_bank.yml``: multiple-choice items (3-4 options, exactly
one correct, every wrong option with the misconception it reveals) and short-answer items (a
model answer, and optionally short answers a quiz engine can accept), each with its chapter, the
notebook section or Think it was drawn from, and the course number it tests (what, where from,
with its interval). ``questionbank`` writes, next to it:

- ``question_bank.md``: the readable page of the book (Instructors part);
- ``question_bank.csv``: one row per option (one row per short-answer item), plain UTF-8 CSV
  that a spreadsheet or an LMS import reads;
- ``question_bank.moodle.xml``: Moodle XML, one category per chapter; multiple choice as
  ``multichoice`` (fraction 100 for the correct option, 0 for the others, the misconception as
  each wrong option's feedback), short answer as ``shortanswer`` when accepted answers are given,
  otherwise as ``essay`` with the model answer as grader information;
- ``exit_tickets.md``: one exit ticket per session, word for word the exit-ticket slide of the
  session's lecture deck (``book/instructor/decks/*.yml``, one deck per session), with the
  answers from that slide's speaker notes. A deck without an exit-ticket slide is an error.

Items are plain text (no Markdown, HTML or LaTeX), so the three exports read the same.
``--check`` writes nothing and exits 1 when a committed file differs from what would be written.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import yaml

from .course import ROOT
from .generated import write_or_check

FOLDER = ROOT / "book" / "instructor"
BANK = FOLDER / "question_bank.yml"
DECKS = FOLDER / "decks"
COMMAND = "python -m tools questionbank"
OUTPUTS = ("question_bank.md", "question_bank.csv", "question_bank.moodle.xml", "exit_tickets.md")
TYPES = ("mc", "short")
CHAPTERS = {1: "Mechanism", 2: "Evidence", 3: "Practice", 4: "Limitations"}
NOTEBOOKS = {
    "1.1": "chapters/01_mechanism/01_size_principle",
    "1.2": "chapters/01_mechanism/02_fatigue_across_a_set",
    "2.1": "chapters/02_evidence/01_effect_sizes",
    "2.2": "chapters/02_evidence/02_uncertainty",
    "2.3": "chapters/02_evidence/03_pooling",
    "2.4": "chapters/02_evidence/04_what_the_meta_analyses_found",
    "3.1": "chapters/03_practice/01_measuring_closeness_to_failure",
    "3.2": "chapters/03_practice/02_load_reps_effort",
    "3.3": "chapters/03_practice/03_dosing_effort",
    "3.4": "chapters/03_practice/04_monitoring",
    "4.1": "chapters/04_limitations/01_short_studies",
    "4.2": "chapters/04_limitations/02_what_failure_means",
    "4.3": "chapters/04_limitations/03_individual_differences",
    "4.4": "chapters/04_limitations/04_confounding_with_volume",
    "4.5": "chapters/04_limitations/05_reading_a_claim",
    "4.6": "chapters/04_limitations/06_should_you_train_to_failure",
}
ITEM_KEYS = {"id", "type", "chapter", "notebook", "source", "question", "options", "model_answer",
             "accept", "number"}
NUMBER_KEYS = {"value", "what", "source", "check"}
LETTERS = "ABCD"
# Plain text only: these would be markup in Markdown, HTML or a spreadsheet formula.
MARKUP = re.compile(r"[*`<>\[\]$\\{}|#]|(?<!\w)_|_(?!\w)|^[=+@-]")
CSV_FIELDS = ("id", "type", "chapter", "notebook", "source", "question", "option", "option_text",
              "correct", "feedback", "model_answer", "accept", "number_value", "number_what",
              "number_source")
EXIT_TITLE = re.compile(r"^exit ticket", re.IGNORECASE)


class BankError(ValueError):
    """The question bank or a deck cannot be exported; the message names the item or deck."""


# --- the bank ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str  # why it is right, or the misconception a wrong choice reveals


@dataclass(frozen=True)
class Number:
    value: str
    what: str
    source: str


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    chapter: int
    notebook: str
    source: str
    question: str
    options: tuple[Option, ...] = ()
    model_answer: str = ""
    accept: tuple[str, ...] = ()
    number: Number | None = None
    check: tuple = ()  # machine-checkable references of the number (tests only; not exported)

    @property
    def correct(self) -> Option:
        return next(o for o in self.options if o.correct)

    def text(self) -> str:
        """Everything the item says, for checks that a quoted number appears in it."""
        return " ".join([self.question, self.model_answer, *(o.text for o in self.options),
                         *(o.feedback for o in self.options)])


def _plain(value, at, what) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BankError(f"{at}: {what} must be non-empty text")
    text = " ".join(value.split())
    if MARKUP.search(text):
        raise BankError(f"{at}: {what} must be plain text (no Markdown, HTML, LaTeX or a leading "
                        f"=+-@): {text[:60]!r}")
    return text


def read_bank(path=BANK) -> list[Item]:
    """The items of the bank, checked."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BankError(f"{path.name}: not readable as YAML ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list) or set(raw) - {"items"}:
        raise BankError(f"{path.name}: needs a list of items, and nothing else")
    items, seen = [], set()
    for i, entry in enumerate(raw["items"], 1):
        at = f"{path.name}, item {i}"
        if not isinstance(entry, dict):
            raise BankError(f"{at}: an item is a mapping")
        at = f"{path.name}, item {entry.get('id', i)}"
        unknown = set(entry) - ITEM_KEYS
        if unknown:
            raise BankError(f"{at}: unknown key(s) {', '.join(sorted(unknown))}")
        item_id = entry.get("id")
        if not isinstance(item_id, str) or not re.fullmatch(r"[a-z0-9-]+", item_id):
            raise BankError(f"{at}: id must be lower-case letters, digits and hyphens")
        if item_id in seen:
            raise BankError(f"{at}: duplicate id")
        seen.add(item_id)
        kind = entry.get("type")
        if kind not in TYPES:
            raise BankError(f"{at}: type must be one of {', '.join(TYPES)}")
        chapter = entry.get("chapter")
        if chapter not in CHAPTERS:
            raise BankError(f"{at}: chapter must be one of {', '.join(map(str, CHAPTERS))}")
        notebook = str(entry.get("notebook", ""))
        if notebook not in NOTEBOOKS or not notebook.startswith(f"{chapter}."):
            raise BankError(f"{at}: notebook {notebook!r} is not a notebook of chapter {chapter}")
        source = _plain(entry.get("source"), at, "source")
        question = _plain(entry.get("question"), at, "question")
        options, model, accept = (), "", ()
        if kind == "mc":
            raw_options = entry.get("options")
            if not isinstance(raw_options, list) or not 3 <= len(raw_options) <= 4:
                raise BankError(f"{at}: a multiple-choice item has 3 or 4 options")
            built = []
            for j, opt in enumerate(raw_options, 1):
                where = f"{at}, option {j}"
                if not isinstance(opt, dict) or set(opt) - {"text", "correct", "why",
                                                             "misconception"}:
                    raise BankError(f"{where}: an option has text, correct and why "
                                    "(correct) or misconception (wrong)")
                correct = opt.get("correct", False) is True
                need, other = ("why", "misconception") if correct else ("misconception", "why")
                if other in opt:
                    raise BankError(f"{where}: a {'correct' if correct else 'wrong'} option has "
                                    f"{need}, not {other}")
                built.append(Option(_plain(opt.get("text"), where, "text"), correct,
                                    _plain(opt.get(need), where, need)))
            if sum(o.correct for o in built) != 1:
                raise BankError(f"{at}: exactly one option must be correct "
                                f"(found {sum(o.correct for o in built)})")
            if len({o.text for o in built}) != len(built):
                raise BankError(f"{at}: two options have the same text")
            options = tuple(built)
            if "model_answer" in entry or "accept" in entry:
                raise BankError(f"{at}: model_answer and accept belong to short-answer items")
        else:
            model = _plain(entry.get("model_answer"), at, "model_answer")
            accept = tuple(_plain(a, at, "accept") for a in entry.get("accept") or ())
            if "options" in entry:
                raise BankError(f"{at}: a short-answer item has no options")
        number, check = None, ()
        if entry.get("number") is not None:
            num = entry["number"]
            if not isinstance(num, dict) or set(num) - NUMBER_KEYS:
                raise BankError(f"{at}: number has value, what, source and optionally check")
            number = Number(*(_plain(num.get(k), at, f"number {k}")
                              for k in ("value", "what", "source")))
            check = tuple(num.get("check") or ())
        items.append(Item(item_id, kind, chapter, notebook, source, question, options, model,
                          accept, number, check))
    return items


def counts(items) -> dict:
    """{(chapter, type): count}, with "all" totals."""
    out = {}
    for it in items:
        for key in ((it.chapter, it.type), (it.chapter, "all"), ("all", it.type), ("all", "all")):
            out[key] = out.get(key, 0) + 1
    return out


# --- the readable page ---------------------------------------------------------------------------

def _link(notebook) -> str:
    return f"{{doc}}`{notebook} </{NOTEBOOKS[notebook]}>`"


def markdown(items) -> str:
    c = counts(items)
    lines = [
        "# Question bank",
        "",
        ("<!-- Generated by `python -m tools questionbank` from question_bank.yml: edit that "
        "file, not this page. -->"),
        "",
        ("Questions for quizzes, exams and discussion, drawn from the chapters' *Check your "
        "understanding* quizzes and Think questions. Every multiple-choice item has one correct "
        "option, and every wrong option names the misconception it reveals, so a learner's choice "
        "tells you what to re-teach. Short-answer items have a model answer. Each item names the "
        "notebook section it comes from and, where it tests one, the course number with its "
        "interval and source; a number marked *secondary* comes from a public summary, not the "
        "paper itself, as in the notebooks."),
        "",
        "| Chapter | Multiple choice | Short answer | All |",
        "|---|---:|---:|---:|",
    ]
    for ch, title in CHAPTERS.items():
        lines.append(f"| {ch} {title} | {c.get((ch, 'mc'), 0)} | {c.get((ch, 'short'), 0)} | "
                     f"{c.get((ch, 'all'), 0)} |")
    lines += [
        (f"| **All** | **{c.get(('all', 'mc'), 0)}** | **{c.get(('all', 'short'), 0)}** | "
        f"**{c.get(('all', 'all'), 0)}** |"),
        "",
        "## For a learning management system",
        "",
        ("- {download}`question_bank.moodle.xml`: Moodle XML (Question bank, Import, format "
        "*Moodle XML*): one category per chapter; multiple choice with the misconception as the "
        "feedback of each wrong option; short answers as *short answer* (with accepted answers) "
        "or *essay* questions (with the model answer as information for graders)."),
        ("- {download}`question_bank.csv`: plain UTF-8 CSV, one row per option (one row per "
        "short-answer item), for a spreadsheet or another LMS's import: id, type, chapter, "
        "source, question, option letter and text, correct (1 or 0), feedback (the reason, or "
        "the misconception), model answer, accepted answers and the course number tested."),
        "",
        ("The item ids are stable: use them to map results back to this page. Exit tickets for "
        "each session are on their own page ({doc}`exit_tickets`)."),
        "",
    ]
    for ch, title in CHAPTERS.items():
        chapter_items = [it for it in items if it.chapter == ch]
        lines += [f"## Chapter {ch}: {title}", ""]
        for it in chapter_items:
            kind = "multiple choice" if it.type == "mc" else "short answer"
            lines += [f"### {it.id}", "",
                      f"*{kind.capitalize()}; from {_link(it.notebook)}, {it.source}.*", "",
                      it.question, ""]
            if it.type == "mc":
                lines += [f"- **{LETTERS[i]}.** {o.text}" for i, o in enumerate(it.options)]
                lines += ["", ":::{dropdown} Answer and misconceptions"]
                for i, o in enumerate(it.options):
                    label = "correct" if o.correct else "misconception"
                    lines.append(f"- **{LETTERS[i]}** ({label}): {o.feedback}")
            else:
                lines += [":::{dropdown} Model answer", it.model_answer]
                if it.accept:
                    lines += ["", "Accepted short answers (Moodle): "
                              + "; ".join(it.accept) + "."]
            if it.number:
                lines += ["", (f"**Course number tested:** {it.number.value}: {it.number.what}. "
                              f"Source: {it.number.source}.")]
            lines += [":::", ""]
    return "\n".join(lines).rstrip() + "\n"


# --- CSV -----------------------------------------------------------------------------------------

def _base_row(it) -> dict:
    n = it.number
    return dict(id=it.id, type=it.type, chapter=str(it.chapter), notebook=it.notebook,
                source=it.source, question=it.question, model_answer=it.model_answer,
                accept=" | ".join(it.accept), number_value=n.value if n else "",
                number_what=n.what if n else "", number_source=n.source if n else "")


def csv_text(items) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for it in items:
        base = _base_row(it)
        if it.type == "mc":
            for i, o in enumerate(it.options):
                writer.writerow({**base, "option": LETTERS[i], "option_text": o.text,
                                 "correct": "1" if o.correct else "0", "feedback": o.feedback})
        else:
            writer.writerow({**base, "option": "", "option_text": "", "correct": "",
                             "feedback": ""})
    return out.getvalue()


def items_from_csv(text) -> list[Item]:
    """The items of an exported CSV (the inverse of :func:`csv_text`, without ``check``)."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    items, order = {}, []
    for row in rows:
        if row["id"] not in items:
            order.append(row["id"])
            number = (Number(row["number_value"], row["number_what"], row["number_source"])
                      if row["number_value"] else None)
            items[row["id"]] = dict(
                id=row["id"], type=row["type"], chapter=int(row["chapter"]),
                notebook=row["notebook"], source=row["source"], question=row["question"],
                options=[], model_answer=row["model_answer"],
                accept=tuple(a for a in row["accept"].split(" | ") if a), number=number)
        if row["option"]:
            items[row["id"]]["options"].append(
                Option(row["option_text"], row["correct"] == "1", row["feedback"]))
    return [Item(**{**items[i], "options": tuple(items[i]["options"])}) for i in order]


# --- Moodle XML ----------------------------------------------------------------------------------

def _html(text) -> str:
    return "".join(f"<p>{html.escape(p.strip(), quote=False)}</p>"
                   for p in text.split("\n\n") if p.strip())


def _text(parent, tag, text, fmt="html"):
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = text
    return el


def _simple(parent, tag, value):
    ET.SubElement(parent, tag).text = value


def moodle_xml(items) -> str:
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" Generated by `{COMMAND}` from book/instructor/question_bank.yml. "))
    for ch, title in CHAPTERS.items():
        cat = ET.SubElement(quiz, "question", {"type": "category"})
        _text(cat, "category", f"$course$/top/Train to failure?/Chapter {ch} {title}", fmt=None)
        _text(cat, "info", f"<p>Chapter {ch}, {title}: items drawn from the notebooks' quizzes "
                           "and Think questions.</p>")
        for it in (i for i in items if i.chapter == ch):
            kind = ("multichoice" if it.type == "mc" else
                    "shortanswer" if it.accept else "essay")
            q = ET.SubElement(quiz, "question", {"type": kind})
            _text(q, "name", f"{it.id}: {it.question[:60].rstrip()}"
                  f"{'...' if len(it.question) > 60 else ''}", fmt=None)
            _text(q, "questiontext", _html(it.question))
            source = f"Source: notebook {it.notebook}, {it.source}."
            if it.number:
                source += (f" Course number tested: {it.number.value} ({it.number.what}; "
                           f"{it.number.source}).")
            general = (f"{it.correct.feedback} {source}" if it.type == "mc"
                       else f"Model answer: {it.model_answer} {source}")
            _text(q, "generalfeedback", _html(general))
            _simple(q, "defaultgrade", "1")
            _simple(q, "penalty", "0.3333333" if kind == "multichoice" else "0")
            _simple(q, "hidden", "0")
            _simple(q, "idnumber", it.id)
            if kind == "multichoice":
                _simple(q, "single", "true")
                _simple(q, "shuffleanswers", "true")
                _simple(q, "answernumbering", "ABCD")
                for o in it.options:
                    a = _text(q, "answer", _html(o.text))
                    a.set("fraction", "100" if o.correct else "0")
                    note = o.feedback if o.correct else f"Misconception: {o.feedback}"
                    _text(a, "feedback", _html(note))
                for tag, words in (("correctfeedback", "Correct."),
                                   ("partiallycorrectfeedback", "Partly correct."),
                                   ("incorrectfeedback", "Not quite: read the feedback.")):
                    _text(q, tag, _html(words))
                _simple(q, "shownumcorrect", "")
            elif kind == "shortanswer":
                _simple(q, "usecase", "0")
                for accepted in it.accept:
                    a = _text(q, "answer", accepted, fmt="moodle_auto_format")
                    a.set("fraction", "100")
                    _text(a, "feedback", _html(it.model_answer))
            else:
                _simple(q, "responseformat", "editor")
                _simple(q, "responserequired", "1")
                _simple(q, "responsefieldlines", "6")
                _simple(q, "attachments", "0")
                _simple(q, "attachmentsrequired", "0")
                _text(q, "graderinfo", _html(it.model_answer))
                _text(q, "responsetemplate", "")
            tags = ET.SubElement(q, "tags")
            for tag in (f"chapter-{it.chapter}", f"notebook-{it.notebook}", it.type):
                ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    ET.indent(quiz, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


# --- exit tickets --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ticket:
    deck: str  # deck file stem, e.g. "1_mechanism"
    title: str  # the session's title
    questions: str  # Markdown, a numbered list
    answers: str
    slide: int  # its slide number in the deck
    slides: int  # slides in the deck


def _answers(notes) -> str:
    """The answers of an exit-ticket slide's notes: the text from "Answers:" on."""
    text = " ".join(notes.split())
    at = text.find("Answers:")
    return text[at + len("Answers:"):].strip() if at >= 0 else text


def deck_ticket(path) -> Ticket | None:
    """The exit-ticket slide of one deck file, or None when it has none."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BankError(f"{path.name}: not readable as YAML ({exc})") from exc
    slides = raw.get("slides") or [] if isinstance(raw, dict) else []
    found = [(i, s) for i, s in enumerate(slides, 1)
             if isinstance(s, dict) and EXIT_TITLE.match(str(s.get("title", "")))]
    if not found:
        return None
    if len(found) > 1:
        raise BankError(f"{path.name}: {len(found)} exit-ticket slides; a session has one")
    i, slide = found[0]
    text, notes = str(slide.get("text") or "").strip(), str(slide.get("notes") or "").strip()
    if not text or not notes:
        raise BankError(f"{path.name}, slide {i}: an exit ticket needs questions and notes "
                        "with the answers")
    return Ticket(path.stem, str(raw.get("title") or path.stem), text, _answers(notes), i,
                  len(slides))


def tickets(decks=DECKS) -> list[Ticket]:
    """One ticket per session (deck file), in session order."""
    out = []
    for path in sorted(Path(decks).glob("*.yml")):
        ticket = deck_ticket(path)
        if ticket is None:
            raise BankError(f"{path.name}: no exit-ticket slide (a slide titled 'Exit ticket'); "
                            "every session ends on one")
        out.append(ticket)
    return out


def exit_tickets_markdown(ticket_list) -> str:
    lines = [
        "# Exit tickets",
        "",
        ("<!-- Generated by `python -m tools questionbank` from the lecture decks' exit-ticket "
        "slides (book/instructor/decks/*.yml) and question_bank.yml: edit those, not this "
        "page. -->"),
        "",
        ("One exit ticket per session: two questions, answered on paper or in the LMS in the "
        "last minutes of class. Read the answers before the next session, and open it with the "
        "question most people missed. Each ticket is word for word the exit-ticket slide of the "
        "session's deck, with the answers from that slide's speaker notes. More questions on "
        "each chapter are in the {doc}`question_bank`."),
        "",
    ]
    for t in ticket_list:
        session = t.deck.split("_", 1)[0]
        title = re.sub(r"^\S+\s*·\s*", "", t.title)
        lines += [f"## Session {session}: {title}", ""]
        lines.append(f"*From the deck `decks/{t.deck}.yml`, slide {t.slide} of {t.slides}.*")
        lines += ["", t.questions, "", ":::{dropdown} Answers", t.answers, ":::", ""]
    return "\n".join(lines).rstrip() + "\n"


# --- the command ---------------------------------------------------------------------------------

def render(bank=BANK, decks=DECKS) -> dict[str, str]:
    """{file name: text} of every output, as the current sources give them."""
    items = read_bank(bank)
    return {
        "question_bank.md": markdown(items),
        "question_bank.csv": csv_text(items),
        "question_bank.moodle.xml": moodle_xml(items),
        "exit_tickets.md": exit_tickets_markdown(tickets(decks)),
    }


def run(args) -> int:
    out = Path(args.output)
    try:
        files = render(args.bank, args.decks)
    except BankError as exc:
        print(f"questionbank: {exc}", file=sys.stderr)
        return 2
    codes = [write_or_check(out / name, text, COMMAND, check=args.check)
             for name, text in files.items()]
    return max(codes)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "questionbank", description=__doc__,
        help="write the question bank page, CSV and Moodle XML, and the exit tickets")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a committed file differs")
    p.add_argument("--output", type=Path, default=FOLDER,
                   help=f"folder to write or check (default: {FOLDER})")
    p.add_argument("--bank", type=Path, default=BANK, help=argparse.SUPPRESS)
    p.add_argument("--decks", type=Path, default=DECKS, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="questionbank", description=__doc__)
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["questionbank", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
