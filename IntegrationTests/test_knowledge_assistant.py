"""Issue 18 end to end: `enclave collections create` and `enclave ingest` on a folder of txt, md, html, pdf
and docx files (one of them broken), then the document assistant asked through the `openai` SDK: its
citations name the right document and page, and a question the documents do not answer gets the "found
nothing" answer without the model inventing one."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import openai
import pytest

from conftest import ROOT, Server, enclave_binary, model_path, spawn_server

MINILM = ROOT / "models" / "all-MiniLM-L6-v2"


def pdf(pages: list[str]) -> bytes:
    """A valid PDF with one line of Helvetica text per page (xref offsets computed)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode()
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       f"/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx(paragraphs: list[tuple[str | None, str]]) -> bytes:
    def paragraph(style: str | None, text: str) -> str:
        properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f"<w:p>{properties}<w:r><w:t>{text}</w:t></w:r></w:p>"

    body = "".join(paragraph(style, text) for style, text in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         f"<w:body>{body}</w:body></w:document>")
    return out.getvalue()


def write_documents(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "cafeteria.txt").write_text(
        "The staff cafeteria on the ground floor opens at half past seven and closes at three in the afternoon.\n\n"
        "Vegetarian lunches are served every day; fish is served on Fridays.\n")
    (folder / "onboarding.md").write_text(
        "# Onboarding\n\n## Laptops\n\nEvery new employee receives a laptop on the first morning from the IT desk "
        "in room 114.\n\n## Badges\n\nVisitor badges are printed at the reception desk and must be returned the same day.\n")
    (folder / "parking.html").write_text(
        "<html><head><title>Parking</title><script>var tracking = 'secret';</script></head><body>"
        "<nav>Home | News | Contact</nav><h1>Parking</h1>"
        "<p>Level B2 of the garage is reserved for visitors; employees park on levels B3 and B4.</p></body></html>")
    (folder / "it-handbook.pdf").write_bytes(pdf([
        "This handbook describes the computing rules of the company for all employees.",
        "Remote access: the VPN requires the WireGuard client, configured with the key issued by the IT desk.",
    ]))
    (folder / "expenses.docx").write_bytes(docx([
        ("Heading1", "Expenses"),
        (None, "Expense reports are due by the fifth working day of each month, with every receipt attached."),
    ]))
    (folder / "broken.pdf").write_bytes(b"this is not a PDF at all, just text with a pdf extension")


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), *arguments], cwd=ROOT, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory) -> Server:
    if not (MINILM / "model.safetensors").exists():
        pytest.fail(f"the embedding model {MINILM} is missing: run `make models`")
    tmp = tmp_path_factory.mktemp("enclave-knowledge")
    data = tmp / "data"
    config = tmp / "enclave.yaml"
    config.write_text(f"""\
models:
  - file: {model_path()}
  - id: all-MiniLM-L6-v2
    file: {MINILM}
    kind: embedding
collections:
  - name: office
assistants:
  - id: office-docs
    name: Office Docs
    model: {model_path().name.removesuffix('.gguf')}
    system_prompt: You answer questions about the office from its documents.
    temperature: 0
    max_tokens: 48
    collections: [office]
    retrieval:
      top_k: 3
      min_relevance: 0.35
""")
    # The collection is declared in the file; the first start creates it, then ingestion runs offline.
    folder = tmp / "documents"
    write_documents(folder)
    first = spawn_server(tmp, ["--config", str(config)], "SmolLM2-135M-Instruct.Q4_1")
    admin_key = first.admin_key
    assert first.stop() == 0, first.log()
    ingested = run("ingest", "office", str(folder), "--data-dir", str(data), "--config", str(config))
    summary = ingested.stdout + ingested.stderr
    assert ingested.returncode == 1, summary  # one file failed, the others went in
    assert "5 ingested" in summary, summary
    assert "1 failed" in summary, summary
    assert "broken.pdf" in summary and "not a PDF" in summary, summary
    instance = spawn_server(tmp, ["--config", str(config)], "SmolLM2-135M-Instruct.Q4_1", admin_key=admin_key)
    instance.wait_ready()
    yield instance
    assert instance.stop() == 0, instance.log()


def test_every_good_file_is_ready_and_the_broken_one_failed_with_its_reason(docs_server: Server) -> None:
    status, _, body = docs_server.get("/v1/collections/office/documents", key=docs_server.admin_key)
    assert status == 200, body
    documents = {d["name"]: d for d in json.loads(body)["data"]}
    broken = documents.pop("broken.pdf")
    assert broken["status"] == "failed" and "not a PDF" in broken["failure"] and broken["chunk_count"] == 0, broken
    assert set(documents) == {"cafeteria.txt", "onboarding.md", "parking.html", "it-handbook.pdf", "expenses.docx"}
    assert all(d["status"] == "ready" and d["chunk_count"] > 0 for d in documents.values()), documents
    assert documents["it-handbook.pdf"]["page_count"] == 2


def test_the_answer_cites_the_right_document_and_page(docs_server: Server) -> None:
    client = docs_server.client()
    assert "office-docs" in [m.id for m in client.models.list().data]
    completion = client.chat.completions.create(
        model="office-docs",
        messages=[{"role": "user", "content": "Which VPN client do I need for remote access?"}],
    )
    extra = completion.model_extra
    assert extra["retrieval"]["status"] == "found", extra
    citations = extra["citations"]
    assert citations, (completion.choices[0].message.content, extra)
    assert citations[0]["document"] == "it-handbook.pdf", citations
    assert citations[0]["page"] == 2, citations
    assert "WireGuard" in citations[0]["snippet"]
    # The page text never reaches the log.
    assert "WireGuard" not in docs_server.log()


def test_streamed_answers_end_with_the_citations_chunk(docs_server: Server) -> None:
    stream = docs_server.client().chat.completions.create(
        model="office-docs", stream=True,
        messages=[{"role": "user", "content": "Where do visitors park their cars?"}],
    )
    chunks = list(stream)
    final = chunks[-1].model_extra
    assert chunks[-1].choices == []
    assert final["retrieval"]["status"] == "found", final
    assert final["citations"] and final["citations"][0]["document"] == "parking.html", final


def test_a_question_the_documents_do_not_answer_finds_nothing(docs_server: Server) -> None:
    completion = docs_server.client().chat.completions.create(
        model="office-docs",
        messages=[{"role": "user", "content": "What is the best recipe for sourdough bread with rye flour?"}],
    )
    extra = completion.model_extra
    assert extra["retrieval"]["status"] == "empty", extra
    assert extra["citations"] == []
    assert completion.choices[0].message.content == "I found nothing about this in the documents available to Office Docs."
    assert completion.usage.completion_tokens == 0


def test_a_member_outside_the_collection_teams_sees_neither_assistant_nor_collection(docs_server: Server) -> None:
    # The assistant has no teams: admins only; a member's key gets 404 as for an unknown model.
    created = run("users", "create", "--name", "outsider", "--data-dir", str(docs_server.data_dir))
    assert created.returncode == 0, created.stderr
    key = run("keys", "create", "--name", "outsider-key", "--user", "outsider", "--data-dir", str(docs_server.data_dir))
    assert key.returncode == 0, key.stderr
    secret = key.stdout.strip().splitlines()[-1]
    client = docs_server.client(secret)
    assert "office-docs" not in [m.id for m in client.models.list().data]
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="office-docs", messages=[{"role": "user", "content": "VPN?"}])
    status, _, _ = docs_server.get("/v1/collections/office/documents", key=secret)
    assert status == 404
