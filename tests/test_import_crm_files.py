"""Exports as CRMs really write them (tests/fixtures/crm/): each comes in with exactly its records, and every
file the import cannot read is refused with the file, the line and the fix, the store unchanged (SPEC 9)."""

from __future__ import annotations

import codecs
import csv
import io
import os
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.state import store_state

CRM = Path(__file__).parent / "fixtures" / "crm"


def _imp(cli, kind, name, *extra):
    return cli.ok("import", kind, str(CRM / name), *extra)


def _accounts(cli) -> dict:
    return {a["name"]: a for a in cli.json("account", "list")}


def _write(tmp_path, name: str, data: bytes | str) -> str:
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(p)


def test_salesforce_report_footer_and_totals_are_skipped_and_counted(cli):
    r = _imp(cli, "accounts", "salesforce_accounts_report.csv", "-f", "json")
    accounts = _accounts(cli)
    assert set(accounts) == {"Acme Corp", "Globex", "Initech"}  # no footer line, no Grand Totals row
    acme = accounts["Acme Corp"]
    assert (acme["segment"], acme["plan"], acme["users"], acme["iacv"], acme["health"], acme["csm"], acme["sa"],
            acme["slack_channel"], acme["cs_project_url"]) == (
        "large", "ultimate", 2500, 300000, "green", "Ann Lee", "Sam Roe", "#a_acme-corp-internal",
        "https://gitlab.com/cs/acme-corp")
    assert accounts["Globex"]["iacv"] == 25000.5 and accounts["Globex"]["health"] == "yellow"
    summary = r.json()
    assert (summary["rows"], summary["created"]) == (3, 3)
    assert {s["reason"]: s["lines"] for s in summary["skipped_lines"]} == {
        "totals row (Total / Grand Totals)": 1, "report footer (Salesforce)": 5}
    assert "skipped 6 line(s) that are not records: 1 totals row (Total / Grand Totals), 5 report footer" in r.stderr
    # the unused column is named with the field it resembles
    assert ("warning: column 'Potential EE Users': not imported; did you mean users? "
            'use --map "Potential EE Users=users"') in r.stderr


def test_handbook_onboarding_labels_and_a_file_that_decides_month_first(cli):
    _imp(cli, "accounts", "salesforce_accounts_report.csv")
    r = _imp(cli, "onboardings", "salesforce_onboardings_report.csv")
    assert "numeric dates read month-first (8/17/2026 on line 2 decides)" in r.stderr
    assert "skipped 6 line(s)" in r.stderr
    names = {a["id"]: a["name"] for a in cli.json("account", "list")}
    got = {names[o["account_id"]]: o for o in cli.json("export", "onboarding")}
    assert len(cli.json("export", "onboarding")) == len(got) == 2  # Acme's placeholder was filled: no second onboarding, no footer record
    acme = got["Acme Corp"]
    assert (acme["status"], acme["purchase_date"], acme["first_engaged_date"], acme["start_date"],
            acme["infra_ready_date"], acme["first_value_date"], acme["finish_date"]) == (
        "completed", "2026-08-03", "2026-08-10", "2026-08-17", "2026-08-31", "2026-09-14", "2026-10-27")
    assert (acme["notes"], acme["challenges"], acme["survey_sent"], acme["survey_received"],
            acme["experience_score"]) == ("Kickoff went well", "Runner fleet took two weeks", True, True, 4)
    assert (got["Globex"]["status"], got["Globex"]["start_date"]) == ("in-progress", "2026-10-13")


def test_utf16_tab_file_and_pse_labels_with_hours_consumed_as_one_time_entry(cli):
    _imp(cli, "accounts", "salesforce_accounts_report.csv")
    r = _imp(cli, "opportunities", "excel_unicode_opportunities.txt")
    assert "read as UTF-16, tab-separated." in r.stderr
    opps = {o["name"]: o for o in cli.json("opportunity", "list")}
    assert set(opps) == {"Acme Corp – PS Migration", "Globex Expansion"}
    assert (opps["Acme Corp – PS Migration"]["amount"], opps["Acme Corp – PS Migration"]["type"]) == (45000, "services")
    _imp(cli, "pses", "salesforce_pse_report.csv")
    (p,) = cli.json("pse", "list")
    assert (p["name"], p["owner"], p["engagement_type"], p["status"], p["econtract_url"], p["sow_url"],
            p["percent_complete"], p["scoped_hours"], p["hours_consumed"], p["hours_updated_date"], p["approved"],
            p["approver"], p["passive_acceptance_used"], p["actual_start_date"], p["expected_completion_date"]) == (
        "Acme Corp Migration", "Pat Kim", "fixed", "in-progress", "https://sertifi.example/c/991",
        "https://docs.example/sow/991", 40, 120, 52.5, "2026-11-20", True, "Dana Fox", False, "2026-09-01",
        "2026-12-18")
    entries = cli.json("export", "pse_time_entry")
    assert [(e["pse_id"], e["on_date"], e["centihours"], e["note"]) for e in entries] == [
        (p["id"], "2026-11-20", 5250, "imported")]


def test_hours_consumed_on_update_adds_only_the_hours_not_yet_logged(cli, tmp_path):
    _imp(cli, "accounts", "salesforce_accounts_report.csv")
    _imp(cli, "opportunities", "excel_unicode_opportunities.txt")
    _imp(cli, "pses", "salesforce_pse_report.csv")
    again = (CRM / "salesforce_pse_report.csv").read_text()
    cli.ok("import", "pses", _write(tmp_path, "same.csv", again), "--update")  # the same hours: no new entry
    assert len(cli.json("export", "pse_time_entry")) == 1
    more = again.replace('"52.5","11/20/2026"', '"60","11/23/2026"')
    cli.ok("import", "pses", _write(tmp_path, "more.csv", more), "--update")
    entries = sorted((e["on_date"], e["centihours"], e["note"]) for e in cli.json("export", "pse_time_entry"))
    assert entries == [("2026-11-20", 5250, "imported"), ("2026-11-23", 750, "imported")]
    assert cli.json("pse", "list")[0]["hours_consumed"] == 60
    fewer = again.replace('"52.5","11/20/2026"', '"10","11/23/2026"')
    before = store_state(cli.store)
    r = cli("import", "pses", _write(tmp_path, "fewer.csv", fewer), "--update")
    assert r.exit_code == 1 and "Hours Consumed: 10 is less than the 60 hours already logged" in r.stderr
    assert store_state(cli.store) == before


def test_data_loader_extract_api_names(cli):
    r = _imp(cli, "accounts", "dataloader_accounts.csv")
    accounts = _accounts(cli)
    assert set(accounts) == {"Umbrella Health", "Soylent"}
    u = accounts["Umbrella Health"]
    assert (u["segment"], u["users"], u["health"], u["csm"], u["slack_channel"]) == (
        "strategic", 5200, "green", "Ann Lee", "#a_umbrella-health-internal")
    assert "column 'ID': not imported" in r.stderr and "column 'CREATEDDATE': not imported" in r.stderr


def test_hubspot_export_with_a_mapping_file(cli, tmp_path):
    mapping = _write(tmp_path, "hubspot.map", "# HubSpot company properties -> cstool fields\n"
                                               "Seats Purchased=users\n\nCompany owner=csm\n")
    r = _imp(cli, "accounts", "hubspot_companies.csv", "--map-file", mapping)
    accounts = _accounts(cli)
    assert set(accounts) == {"Hooli", "Pied Piper"}
    assert (accounts["Hooli"]["users"], accounts["Hooli"]["csm"], accounts["Hooli"]["owner"],
            accounts["Hooli"]["domains"]) == (1500, "Gavin Belson", None, ["hooli.example"])
    assert "column 'Record ID': not imported (no field like it)" in r.stderr
    assert "no users and no iACV" not in r.stderr


def test_hubspot_without_users_or_iacv_warns_once_that_gemstones_cannot_be_ranked(cli):
    r = _imp(cli, "accounts", "hubspot_companies.csv", "--dry-run")
    assert r.stderr.count("no users and no iACV column") == 1
    assert "column 'Seats Purchased': not imported; did you mean users?" in r.stderr


def test_windows_1252_semicolon_file_that_decides_day_first(cli):
    _imp(cli, "accounts", "salesforce_accounts_report.csv")
    r = _imp(cli, "activities", "excel_windows_activities.csv")
    assert "read as Windows-1252, semicolon-separated." in r.stderr
    assert "numeric dates read day-first (27/10/2026 on line 2 decides)" in r.stderr
    acts = cli.json("export", "activity")
    assert sorted((a["on_date"], a["subject"], a["notes"]) for a in acts) == [
        ("2026-10-27", "Café rollout check-in", "Zöe asked about € pricing"),
        ("2026-11-03", "Kick-off – infrastructure", "Agreed next steps")]
    assert {a["disposition"] for a in acts} == {"Reached", None}


def test_columns_lists_every_accepted_header_per_field(cli):
    rows = {r["field"]: r for r in cli.json("import", "onboardings", "--columns")}
    assert "Customer Onboarding Name" in rows["name"]["headers"] and "not stored" in rows["name"]["note"]
    for field, label in [("first_engaged_date", "First Reach-out"), ("infra_ready_date", "Infrastructure Ready"),
                         ("finish_date", "Onboarding Finish Date"), ("notes", "Onboarding Notes"),
                         ("challenges", "Onboarding Challenges / Highlights"), ("survey_sent", "Survey Sent"),
                         ("survey_received", "Survey Received"), ("experience_score", "Customer Experience Score")]:
        assert label in rows[field]["headers"], field
    assert rows["account"]["required"] is True
    pse = {r["field"]: r["headers"] for r in cli.json("import", "pses", "--columns")}
    for field, label in [("name", "PS Engagement Name"), ("econtract", "Sertifi EContract"), ("sow", "SOW Link"),
                         ("hours_consumed", "Hours Consumed"), ("approved", "Approved"),
                         ("passive_acceptance_used", "Passive acceptance used for sign-off"),
                         ("actual_start", "Actual Project Start Date")]:
        assert any(h.lower() == label.lower() for h in pse[field]), field
    table = cli.ok("import", "accounts", "--columns").stdout
    assert "GitLab Customer Success Project" in table and "Technical Account Manager" in table


def test_map_names_what_a_column_means(cli, tmp_path):
    path = _write(tmp_path, "a.csv", "Company,Potential EE Users\nAcme,700\n")
    r = cli.ok("import", "accounts", path, "--map", "Company=name", "--map", "Potential EE Users=users")
    assert "warning" not in r.stderr
    assert _accounts(cli)["Acme"]["users"] == 700


# --- refusals: the message, and the store as it was --------------------------------------------------------


def _refused(cli, args, *needles):
    before = store_state(cli.store)
    r = cli("import", *args)
    assert r.exit_code == 1, (r.exit_code, r.stderr)
    for needle in needles:
        assert needle in r.stderr, (needle, r.stderr)
    assert "Traceback" not in r.stderr and "codec" not in r.stderr
    assert store_state(cli.store) == before
    return r


def test_refusals_name_the_file_the_line_and_the_fix(cli, tmp_path):
    cli.ok("account", "add", "Keep Me")
    binary = _write(tmp_path, "bin.csv", b"name,users\nok,1\n\x81\x9d\xff\xfe garbage\n")
    _refused(cli, ["accounts", binary], f"{binary} line 3:", "not UTF-8, UTF-16 or Windows-1252",
             '"CSV UTF-8 (Comma delimited)"', "nothing was imported")
    odd16 = _write(tmp_path, "odd16.csv", codecs.BOM_UTF16_LE + "name\nA\n".encode("utf-16-le") + b"x")
    _refused(cli, ["accounts", odd16], f"{odd16} line 3:", "UTF-16 byte-order mark")
    nul = _write(tmp_path, "nul.csv", "name,users\nA,1\n".encode("utf-16-le"))  # UTF-16 without its mark
    _refused(cli, ["accounts", nul], f"{nul} line 1:", "NUL byte")
    both = _write(tmp_path, "both.csv", "Account Name,Subject,Date,Type\nKeep Me,a,10/27/2026,call\n"
                                        "Keep Me,b,27/10/2026,call\n")
    _refused(cli, ["activities", both], "month-first dates (10/27/2026 on line 2)",
             "day-first dates (27/10/2026 on line 3)", "--date-order mdy or dmy")
    undecided = _write(tmp_path, "undecided.csv", "Account Name,Subject,Date,Type\nKeep Me,a,01/02/2026,call\n")
    _refused(cli, ["activities", undecided], "01/02/2026 on line 2", "none that decides", "--date-order")
    extra = _write(tmp_path, "extra.csv", "name,Potential EE Users\nNew One,5\n")
    _refused(cli, ["accounts", extra, "--strict"], "--strict", "Potential EE Users", "did you mean users")
    _refused(cli, ["accounts", extra, "--map", "Potential EE Users=seats_bought"], "--map",
             "no field 'seats_bought'", "--columns")
    _refused(cli, ["accounts", extra, "--map", "Seats=users"], "no column 'Seats'")
    _refused(cli, ["accounts", extra, "--map", "just words"], '"CRM HEADER=field"')
    bad_map = _write(tmp_path, "bad.map", "# ok\nPotential EE Users=users\nnot a pair\n")
    _refused(cli, ["accounts", extra, "--map-file", bad_map], f"--map-file {bad_map} line 3")
    no_name = _write(tmp_path, "noname.csv", "Client,Seats\nX,1\n")
    _refused(cli, ["accounts", no_name], "no column for name", '--map "HEADER=name"')
    # a dry run is all or nothing too
    assert [a["name"] for a in cli.json("account", "list")] == ["Keep Me"]


def test_a_footer_like_block_that_is_data_is_imported(cli, tmp_path):
    """One-cell lines after a blank line are a footer only when one of Salesforce's footer lines is there."""
    path = _write(tmp_path, "names.csv", "name\nAlpha\n\nBeta\nGamma\n")
    cli.ok("import", "accounts", path)
    assert set(_accounts(cli)) == {"Alpha", "Beta", "Gamma"}


# --- encodings and separators, fuzzed ----------------------------------------------------------------------

CP1252_SAFE = st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\x00\r\n"), max_size=12)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")


@settings(max_examples=int(os.environ.get("CSTOOL_HYPOTHESIS_EXAMPLES", "120")), deadline=None,
          derandomize=os.environ.get("CSTOOL_STRESS") != "1",
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CP1252_SAFE, min_size=3, max_size=3), min_size=1, max_size=6),
       encoding=st.sampled_from(ENCODINGS), sep=st.sampled_from([",", ";", "\t"]),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_any_supported_encoding_and_separator_reads_back_the_same_cells(tmp_path_factory, rows, encoding, sep,
                                                                       newline):
    from cstool.services.importing import base
    from cstool.services.importing.reading import file_format

    header = ["name", "segment", "notes"]
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    data = buf.getvalue().encode(encoding)
    if encoding == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = codecs.BOM_UTF16_LE + data
    if encoding == "cp1252" and not data.isascii():
        try:
            data.decode("utf-8")
            assume(False)  # Windows-1252 bytes that are also valid UTF-8 (`Ã©`) read as the UTF-8 they are
        except UnicodeDecodeError:
            pass
    path = tmp_path_factory.mktemp("enc") / "f.csv"
    path.write_bytes(data)
    fmt = file_format(str(path))
    assert fmt.separator == sep
    assert base.read_header(str(path)) == header
    result = base.ImportResult("accounts")
    got = [record for _reader, batch in base.raw_batches(str(path), result, count_rows=True)
           for _line, record in batch]
    assert got == [r for r in rows if "".join(r).strip()]
