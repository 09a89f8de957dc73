"""The corpus: project manifests and the source trees they name.

A manifest (`projects/<group>.json`) is a list of projects:
``{"name", "lang", "kind": "pypi"|"npm"|"deb"|"git", ...}`` with
``"package"``/``"version"`` for registries and ``"repo"``/``"commit"``/``"slice"``
for git histories (optional ``"subdir"``: the part of the tree to keep, e.g. a
Debian package's ``usr/share/gocode/src``). Downloads land in ``.cache/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
MIRRORS = Path("/work/.mirror")
KINDS = ("pypi", "npm", "deb", "git")
LANGS = ("python", "js", "go", "rust", "java", "k8s", "helm")


class CorpusError(RuntimeError):
    """A project could not be brought here; the message says what to do."""


@dataclass(frozen=True)
class Project:
    group: str
    name: str
    lang: str
    kind: str
    package: str = ""
    version: str = ""
    repo: str = ""
    commit: str = ""
    slice: str = ""
    subdir: str = ""

    @property
    def slug(self) -> str:
        return f"{self.group}-{self.name}".replace("/", "_")


def groups(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.json"))


def load_projects(group: str) -> list[Project]:
    path = HERE / "projects" / f"{group}.json"
    out = []
    for entry in json.loads(path.read_text()):
        project = Project(group=group, **entry)
        if project.kind not in KINDS or project.lang not in LANGS:
            raise CorpusError(f"{path}: {project.name}: kind must be one of {KINDS}, "
                              f"lang one of {LANGS}")
        out.append(project)
    return out


def mirror(repo: str) -> Path:
    """The local git directory the `fetch` tool brought for owner/name."""
    base = MIRRORS / repo.replace("/", "+")
    for candidate in (base / "repo", base / "repo.git", base):
        if (candidate / "HEAD").exists() or (candidate / ".git").exists():
            return candidate
    raise CorpusError(f"no mirror of {repo} in {MIRRORS}: call the fetch tool with "
                      f"`fetch github:{repo}`, then run again")


def git(*args: str, cwd: Path | None = None, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise CorpusError(f"git {' '.join(args)}: {proc.stderr.strip()[-400:]}")
    return proc.stdout


def _run(cmd: list[str], cwd: Path) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise CorpusError(f"{' '.join(cmd)}: {proc.stderr.strip()[-600:]}")


def _download(project: Project, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    spec = f"{project.package}=={project.version}"
    if project.kind == "pypi":
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
              "-q", "-d", str(into), spec], into)
    elif project.kind == "npm":
        _run(["npm", "pack", "--silent", f"{project.package}@{project.version}"], into)
    else:
        _run(["apt-get", "download", f"{project.package}={project.version}"], into)
    found = sorted(p for p in into.iterdir() if p.is_file())
    if not found:
        raise CorpusError(f"{project.name}: the registry gave no file for {spec}")
    return found[0]


def _extract(archive: Path, into: Path) -> None:
    if archive.suffix == ".deb":
        _run(["dpkg-deb", "-x", str(archive), str(into)], into.parent)
        return
    if archive.suffix == ".zip":
        shutil.unpack_archive(archive, into)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
    # sdists and npm tarballs wrap everything in one folder (name-1.2/, package/)
    inner = list(into.iterdir())
    if len(inner) == 1 and inner[0].is_dir():
        for child in inner[0].iterdir():
            child.rename(into / child.name)
        inner[0].rmdir()


def _export_git(project: Project, into: Path) -> None:
    """The commit's regular files; blobs the snapshot left out (big images) are skipped."""
    git_dir = mirror(project.repo)
    listing = subprocess.run(["git", "ls-tree", "-r", "-z", project.commit], cwd=git_dir,
                             capture_output=True, check=False)
    if listing.returncode != 0:
        raise CorpusError(f"{project.repo}: no commit {project.commit} in the mirror: "
                          f"`fetch github:{project.repo}` again for a newer snapshot")
    entries = [e.split(b"\t", 1) for e in listing.stdout.split(b"\0") if e]
    blobs = [(meta.split()[2], os.fsdecode(path)) for meta, path in entries
             if meta.split()[0] in (b"100644", b"100755")]
    batch = subprocess.run(["git", "cat-file", "--batch", "--buffer"], cwd=git_dir,
                           input=b"".join(sha + b"\n" for sha, _ in blobs),
                           capture_output=True, check=True).stdout
    into.mkdir(parents=True)
    pos = 0
    for _, path in blobs:
        end = batch.index(b"\n", pos)
        header, pos = batch[pos:end].split(), end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        (into / path).parent.mkdir(parents=True, exist_ok=True)
        (into / path).write_bytes(batch[pos:pos + size])
        pos += size + 1


def source_tree(project: Project) -> Path:
    """The project's files under their real paths, downloaded or exported once."""
    target = CACHE / "src" / project.slug
    if target.is_dir():
        return target / project.subdir if project.subdir else target
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    if project.kind == "git":
        _export_git(project, tmp)
    else:
        archive = _download(project, CACHE / "downloads" / project.slug)
        tmp.mkdir(parents=True)
        _extract(archive, tmp)
    tmp.rename(target)
    return target / project.subdir if project.subdir else target


def meta(project: Project) -> dict[str, Any]:
    return {k: v for k, v in vars(project).items() if v and k != "group"}
