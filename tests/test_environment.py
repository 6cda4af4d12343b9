"""environment.yml, pyproject.toml, the Makefile and the README tell the same story."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENV = yaml.safe_load((ROOT / "environment.yml").read_text())


def _python_pin():
    pins = [d for d in ENV["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(pins) == 1, "environment.yml must pin one python"
    return pins[0].split("=", 1)[1]


def test_environment_python_satisfies_requires_python():
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert tuple(map(int, _python_pin().split("."))) >= tuple(map(int, minimum.split(".")))


def test_environment_installs_the_project_with_its_extras():
    deps = ENV["dependencies"]
    assert "pip" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    installs = [line for line in pip_section if re.match(r"-e\s+\"?\.\[", line)]
    assert installs, "environment.yml must install the project itself through pip"
    wanted = set(re.search(r"\[(.*)\]", installs[0]).group(1).split(","))
    # The same extras as `make install`: dev, which brings the TensorFlow and JAX extras.
    assert wanted == {"dev"}, f"environment.yml installs extras {wanted}, make install dev"
    assert wanted <= extras, f"environment.yml installs extras {wanted}, pyproject has {extras}"
    # Everything else comes from pyproject.toml: no package is listed twice with other pins.
    others = [
        d for d in deps if isinstance(d, str) and d not in ("pip",) and not d.startswith("python")
    ]
    assert not others, f"list packages in pyproject.toml, not environment.yml: {others}"


def test_jupyter_book_is_pinned_below_2():
    dev = PYPROJECT["project"]["optional-dependencies"]["dev"]
    jb = [d for d in dev if d.startswith("jupyter-book")]
    assert jb and "<2" in jb[0]


def test_tensorflow_brings_keras_3():
    extras = PYPROJECT["project"]["optional-dependencies"]
    tf = [d for d in extras["tensorflow"] if d.startswith("tensorflow")]
    assert tf and ">=2.16" in tf[0]


def test_no_backend_is_forced_and_dev_brings_tensorflow_and_jax():
    """Keras 3 runs on TensorFlow, JAX or PyTorch: each is an extra, none a core dependency."""
    core = [re.split(r"[<>=\[; ]", d)[0] for d in PYPROJECT["project"]["dependencies"]]
    assert "keras" in core
    extras = PYPROJECT["project"]["optional-dependencies"]
    for backend in ("tensorflow", "jax", "torch"):
        assert backend not in core, f"{backend} is forced on every user"
        assert any(d.startswith(backend) for d in extras[backend]), f"no {backend} extra"
    assert "labsupport[tensorflow,jax]" in extras["dev"]


def test_makefile_and_readme_agree():
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    assert 'pip install -e ".[dev]"' in makefile
    for target in ("book", "test"):
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile lacks {target}"
        assert f"make {target}" in readme, f"README does not mention make {target}"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "make book" in ci


def test_the_python_version_promised_is_the_one_required():
    """pyproject's requires-python, the README and the book's set-up page name one minimum."""
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert re.fullmatch(r"3\.\d+", minimum), minimum
    for page in ("README.md", "book/how-to-use.md"):
        said = re.findall(r"You need Python (3\.\d+) or newer", (ROOT / page).read_text())
        assert said == [minimum], f"{page} promises Python {said}, pyproject needs {minimum}"
    # The tests themselves use tomllib, new in 3.11: the minimum must be at least that.
    assert tuple(map(int, minimum.split("."))) >= (3, 11)


def test_license_is_an_spdx_string():
    """The table form ({text = ...}) is deprecated: setuptools warns on every install."""
    assert PYPROJECT["project"]["license"] == "MIT"
    requires = PYPROJECT["build-system"]["requires"]
    setuptools_pin = next(r for r in requires if r.startswith("setuptools"))
    assert tuple(map(int, setuptools_pin.split(">=")[1].split("."))) >= (77,)


def _declared() -> set[str]:
    """Every requirement pyproject declares, without comments, e.g. {'keras>=3.10', ...}."""
    project = PYPROJECT["project"]
    found = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        found.update(extra)
    return {r.replace(" ", "") for r in found}


def test_the_environment_page_states_the_minimums_pyproject_declares():
    page = (ROOT / "book" / "environment.md").read_text()
    stated = set(re.findall(r"`([a-z_-]+(?:>=|<)[^`]*)`", page))
    assert {"keras>=3.10", "setuptools>=77"} <= stated
    assert stated <= _declared(), f"the page states {sorted(stated - _declared())}"


def test_the_environment_page_names_the_colab_and_oldest_versions_the_makefile_tests():
    makefile = (ROOT / "Makefile").read_text()
    page = (ROOT / "book" / "environment.md").read_text()
    named = re.findall(r"TensorFlow ([\d.]*\d), Keras ([\d.]*\d) and NumPy ([\d.]*\d)", page)
    assert len(named) == 2, "the page no longer names Colab's and the oldest versions"
    for variable, said in zip(("COLAB_PINS", "OLDEST_PINS"), named, strict=True):
        line = re.search(rf"^{variable} \?= (.*)$", makefile, re.M)[1]
        pins = dict(p.split("==") for p in line.split())
        assert said == (pins["tensorflow"], pins["keras"], pins["numpy"]), variable
