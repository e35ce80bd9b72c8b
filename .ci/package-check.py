#!/usr/bin/env python3
"""What .ci/consumer-check asserts about the packed files themselves (docs/package.md): the nuspec metadata, what the
packages hold, the readme's links, the symbol package, and SourceLink in every PDB, the embedded ones of the
generator and analyzers included.

usage: package-check.py PACKAGES VERSION REPO HEAD_COMMIT PROPERTIES_JSON
  PROPERTIES_JSON: the output of `dotnet msbuild src/Herald -getProperty:HeraldDocsUrl -getProperty:HeraldRepositoryUrl`
Under CI=true the build is a ContinuousIntegrationBuild, so the PDBs' source paths must be /_/.
"""
import io, json, os, re, struct, sys, zipfile, zlib
import xml.etree.ElementTree as ET

packages, version, repo, head, properties = sys.argv[1:6]
props = json.loads(properties)["Properties"]
docs_url, repo_url = props["HeraldDocsUrl"], props["HeraldRepositoryUrl"]
ci = os.environ.get("CI", "").lower() == "true"
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
    return ok


def nuspec(z):
    name = next(n for n in z.namelist() if "/" not in n and n.endswith(".nuspec"))
    root = ET.fromstring(z.read(name))
    meta = next(e for e in root if e.tag.endswith("metadata"))
    return {e.tag.split("}")[1]: e for e in meta}


def check_metadata(pkg, m):
    license = m.get("license")
    check(license is not None and license.get("type") == "expression" and license.text == "MIT", f"{pkg}: license is not the MIT expression")
    check(m.get("readme") is not None and m["readme"].text == "README.md", f"{pkg}: readme is not README.md")
    check(m.get("icon") is not None and m["icon"].text == "icon.png", f"{pkg}: icon is not icon.png")
    check(m.get("projectUrl") is not None and m["projectUrl"].text == repo_url, f"{pkg}: projectUrl is not {repo_url}")
    check(m.get("description") is not None and len(m["description"].text or "") > 40, f"{pkg}: no description")
    check(m.get("tags") is not None and "telemetry" in (m["tags"].text or "").split(), f"{pkg}: tags lack 'telemetry'")
    check(m.get("authors") is not None and m["authors"].text == "Herald contributors", f"{pkg}: authors")
    r = m.get("repository")
    check(r is not None and r.get("type") == "git" and r.get("url") == repo_url and r.get("commit") == head,
          f"{pkg}: repository is not git {repo_url} at {head}: {None if r is None else r.attrib}")


def check_readme(pkg, z):
    text = z.read("README.md").decode("utf-8")
    check("$(" not in text, f"{pkg}: README.md has an unreplaced $(...) placeholder")
    links = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"(?<![(\w])(https?://[^\s)>\]]+)", text)
    check(len(links) > 0, f"{pkg}: README.md has no links")
    for link in links:
        if not check(link.startswith("https://"), f"{pkg}: README.md link '{link}' is not an absolute https URL"):
            continue
        if link.startswith(docs_url):
            page = link[len(docs_url):].split("#")[0]
            check(os.path.isfile(os.path.join(repo, "docs", page)), f"{pkg}: README.md links to {page}, which docs/ does not have")
    check(any(l.startswith(docs_url) for l in links), f"{pkg}: README.md has no link to the docs ({docs_url})")


def check_icon(pkg, z):
    png = z.read("icon.png")
    ok = png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    check(ok and struct.unpack(">II", png[16:24]) == (128, 128), f"{pkg}: icon.png is not a 128x128 PNG")


def raw_url():
    m = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repo_url)
    return f"https://raw.githubusercontent.com/{m.group(1)}/{m.group(2)}/{head}/*" if m else None


def check_sourcelink(what, pdb):
    if not check(pdb[:4] == b"BSJB", f"{what}: not a portable PDB"):
        return
    m = re.search(rb'\{"documents":\{.*?\}\}', pdb)
    if not check(m is not None, f"{what}: no SourceLink"):
        return
    documents = json.loads(m.group(0))["documents"]
    check(list(documents.values()) == [raw_url()], f"{what}: SourceLink maps to {list(documents.values())}, not {raw_url()}")
    if ci:
        check(list(documents) == ["/_/*"], f"{what}: source paths are {list(documents)}, not /_/ (ContinuousIntegrationBuild under CI)")


def embedded_pdb(dll):
    # The PE's EmbeddedPortablePdb debug entry: 'MPDB', the PDB's size, then the PDB deflated.
    i = dll.find(b"MPDB")
    if i < 0:
        return b""
    size = struct.unpack_from("<I", dll, i + 4)[0]
    pdb = zlib.decompressobj(-15).decompress(dll[i + 8:])
    return pdb if len(pdb) == size else b""


# Herald: the runtime, the generator and analyzers, the props, the docs; symbols in the .snupkg.
nupkg = os.path.join(packages, f"Herald.{version}.nupkg")
snupkg = os.path.join(packages, f"Herald.{version}.snupkg")
with zipfile.ZipFile(nupkg) as z:
    names = set(z.namelist())
    check_metadata("Herald", nuspec(z))
    expected = {"README.md", "icon.png", "lib/net10.0/Herald.dll", "lib/net10.0/Herald.xml", "build/Herald.props", "buildTransitive/Herald.props"}
    expected |= {"lib/net8.0/Herald.dll", "lib/net8.0/Herald.xml"}  # the runtime for .NET 8 too (docs/package.md, "Target frameworks")
    expected |= {f"analyzers/dotnet/cs/{a}.dll" for a in ("Herald.Generator", "Herald.Analyzers", "Herald.Analyzers.CodeFixes")}
    expected |= {f"docs/{f}" for f in os.listdir(os.path.join(repo, "docs")) if f.endswith(".md")}
    for missing in sorted(expected - names):
        check(False, f"Herald: the package lacks {missing}")
    check(not any(n.endswith(".pdb") for n in names), "Herald: PDBs in the .nupkg (they belong in the .snupkg)")
    check_readme("Herald", z)
    check_icon("Herald", z)
    for a in ("Herald.Generator", "Herald.Analyzers", "Herald.Analyzers.CodeFixes"):
        dll = z.read(f"analyzers/dotnet/cs/{a}.dll")
        check_sourcelink(f"Herald: {a}.dll's embedded PDB", embedded_pdb(dll))
        if a != "Herald.Analyzers.CodeFixes":
            # The help links are absolute (a .NET user string is UTF-16).
            check((docs_url + "diagnostics.md#").encode("utf-16-le") in dll, f"Herald: {a}.dll has no help link under {docs_url}")
if check(os.path.isfile(snupkg), f"Herald: no symbol package {os.path.basename(snupkg)}"):
    with zipfile.ZipFile(snupkg) as z:
        pdbs = [n for n in z.namelist() if n.endswith(".pdb")]
        check(sorted(pdbs) == ["lib/net10.0/Herald.pdb", "lib/net8.0/Herald.pdb"], f"Herald: the .snupkg holds {pdbs}, not lib/net10.0/Herald.pdb and lib/net8.0/Herald.pdb")
        for p in pdbs:
            check_sourcelink(f"Herald: {p} in the .snupkg", z.read(p))

# Herald.Cli: the tool, its PDBs beside its DLLs.
with zipfile.ZipFile(os.path.join(packages, f"Herald.Cli.{version}.nupkg")) as z:
    check_metadata("Herald.Cli", nuspec(z))
    check_readme("Herald.Cli", z)
    check_icon("Herald.Cli", z)
    for p in ("tools/net10.0/any/Herald.Cli.pdb", "tools/net10.0/any/Herald.pdb"):
        if check(p in z.namelist(), f"Herald.Cli: the package lacks {p}"):
            check_sourcelink(f"Herald.Cli: {p}", z.read(p))

if failures:
    print("\n".join("package: " + f for f in failures))
    sys.exit(1)
print(f"package: Herald and Herald.Cli {version}: MIT, readme (absolute links), icon, repository {repo_url} at {head[:12]}; "
      f"Herald holds the runtime (net8.0, net10.0), 3 analyzer DLLs, the props and docs/*.md; both Herald.pdb in the .snupkg; SourceLink in every PDB"
      + (" (source paths /_/)" if ci else ""))
