"""docs/ODD.md stays true to the code.

Its appendices are generated from the declarations the model reads (``experiments.docs``):
they must equal what the code renders now. Its body, written by hand, must name every
parameter, typology trait and mechanism (each mechanism with a submodel of its own in §7),
and must not cite what the project no longer has. Regenerate the appendices with
``python -m experiments.docs``.
"""

import re
from pathlib import Path

import pytest

from experiments import docs
from sim.coefficients import MECHANISMS
from sim.measures import OUTCOMES
from sim.params import PARAMETERS
from sim.typology import TRAITS

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
SECTIONS = (
    "## 1. Purpose and patterns",
    "## 2. Entities, state variables and scales",
    "## 3. Process overview and scheduling",
    "## 4. Design concepts",
    "## 5. Initialisation",
    "## 6. Input data",
    "## 7. Submodels",
    "## 8. Simplifications and known quirks",
    "## Appendix A. Parameters",
    "## Appendix B. Typology traits per level",
    "## Appendix C. Outcomes",
)


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def body(text) -> str:
    return docs.body(text)


def mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


@pytest.mark.parametrize("key", list(docs.APPENDICES))
def test_appendix_equals_what_the_code_renders(text, key):
    found = docs.generated(text)[key]
    assert found is not None, f"docs/ODD.md lacks the generated section {key!r}"
    assert found == docs.APPENDICES[key](), (
        f"appendix {key!r} of docs/ODD.md is stale; run: python -m experiments.docs"
    )


def test_sections_follow_the_odd_protocol_in_order(text):
    where = [text.find(heading) for heading in SECTIONS]
    missing = [h for h, i in zip(SECTIONS, where, strict=True) if i < 0]
    assert not missing, f"missing sections: {missing}"
    assert where == sorted(where), "sections out of order"


def test_every_parameter_is_named_in_the_body(body):
    missing = [name for name in PARAMETERS if not mentions(body, name)]
    assert not missing, f"parameters the ODD's body never names: {missing}"


def test_every_mechanism_has_its_own_submodel(body):
    submodels = body[body.index("## 7. Submodels") : body.index("## 8.")]
    missing = [name for name in MECHANISMS if f"#### Mechanism `{name}`" not in submodels]
    assert not missing, f"mechanisms without a submodel in §7: {missing}"
    for name in MECHANISMS:
        start = submodels.index(f"#### Mechanism `{name}`")
        end = submodels.find("\n#### ", start + 1)
        section = submodels[start : end if end > 0 else None]
        assert "Knock-out" in section, f"§7 does not say what a knock-out of {name} removes"


def test_every_trait_is_named_in_the_body(body):
    missing = [
        f"{level}.{trait}"
        for level, traits in TRAITS.items()
        for trait in traits
        if not mentions(body, trait)
    ]
    assert not missing, f"typology traits the ODD's body never names: {missing}"


def test_every_parameter_trait_and_outcome_is_in_the_appendices(text):
    found = docs.generated(text)
    for name in PARAMETERS:
        assert f"`{name}`" in found["parameters"], name
    for level, traits in TRAITS.items():
        for trait in traits:
            assert f"`{trait}`" in found["typology"], f"{level}.{trait}"
    for name in OUTCOMES:
        assert f"`{name}`" in found["outcomes"], name
    for name in MECHANISMS:
        assert f"**`{name}`**" in found["parameters"], name


#: What the docs must not cite: the retired domain notes, the retired seed documents and machine
#: paths. Spelled from parts, so that this file does not itself carry the strings it forbids.
FORBIDDEN = (
    "MODEL" + ".md",
    "seed" + " 00",
    *(f"/{folder}/" for folder in ("work", "home", "tmp")),
)


@pytest.mark.parametrize("forbidden", FORBIDDEN)
def test_the_odd_cites_no_retired_sources_or_machine_paths(text, forbidden):
    assert forbidden not in text


def test_regenerating_changes_nothing(text):
    assert docs.regenerate(text) == text
    assert docs.stale(text) == []


def test_a_constant_s_reason_is_its_whole_comment_block():
    reasons = {name: why for name, _, why in docs.named_constants("experiments.validation")}
    # a reason written over several "#:" lines is read whole, not only its last line
    assert reasons["CARRIES_BELOW"].startswith("A knocked-out direction or ordering pattern")
    assert reasons["CARRIES_BELOW"].endswith("and not at twenty.")
