"""CSV import: bad rows reported line by line, good rows kept, re-run harmless."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from privacy.models import AuditEntry, Role, User
from privacy.onboarding.models import OnboardingRun
from privacy.onboarding.services.csv_import import CsvFileError, import_csv, parse_csv
from privacy.onboarding.services.drivers import create_driver_accounts

from .conftest import csv_upload

pytestmark = pytest.mark.django_db


def sim_driver(sim, ocean_id):
    return next(d for d in sim.state.fleet.drivers if d.id == ocean_id)


@pytest.fixture
def mixed_file(sim) -> str:
    d2, d4 = sim_driver(sim, 7002), sim_driver(sim, 7004)
    return (
        "\n".join(
            [
                "matricule;email;role;entity",  # line 1
                f"{d2.matricule};paul.new@example.com;driver;",  # 2 good driver
                "ZZ999;x@example.com;driver;",  # 3 unknown matricule
                f"{d4.matricule};not-an-email;driver;",  # 4 invalid e-mail
                "CHEF01;chef@example.com;boss;",  # 5 unknown role
                "CHEF02;chef2@example.com;manager;Agence Mars",  # 6 unknown entity
                "CHEF03;chef3@example.com;gestionnaire;Agence Paris",  # 7 good manager (French role name)
                "RH01;rh01@example.com;hr;",  # 8 good HR
                f"{d2.matricule};other@example.com;driver;",  # 9 duplicate of line 2
                "",  # blank lines are ignored
            ]
        )
        + "\n"
    )


def test_bad_rows_are_reported_by_line_and_good_rows_are_applied(sim, customer, admin_user, mixed_file):
    run = import_csv(actor=admin_user, customer=customer, data=("\ufeff" + mixed_file).encode(), filename="a.csv")
    by_line = {r["line"]: r for r in run.rows}
    assert {n for n, r in by_line.items() if r["status"] == "failed"} == {3, 4, 5, 6, 9}
    assert "ZZ999" in by_line[3]["matricule"]
    assert "not-an-email" in by_line[4]["reason"]
    assert "boss" in by_line[5]["reason"]
    assert "Agence Mars" in by_line[6]["reason"]
    assert "2" in by_line[9]["reason"]
    assert {by_line[n]["status"] for n in (2, 7, 8)} == {"created"}
    paul = User.objects.get(ocean_individu_id=7002)
    assert paul.email == "paul.new@example.com" and paul.role == Role.DRIVER
    chef = User.objects.get(username="chef03")
    assert (chef.role, chef.entity_ids, chef.customer) == (Role.MANAGER, [122], customer)
    assert User.objects.get(username="rh01").role == Role.HR
    assert not User.objects.filter(username__in=["chef01", "chef02", "zz999"]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["chef3@example.com", "paul.new@example.com", "rh01@example.com"]
    assert AuditEntry.objects.get(action="users.import").after["failed"] == 5


def test_importing_the_same_file_again_changes_nothing(sim, customer, admin_user, mixed_file):
    import_csv(actor=admin_user, customer=customer, data=mixed_file.encode())
    users, mails = list(User.objects.values_list("username", "email", "entity_ids")), len(mail.outbox)
    run = import_csv(actor=admin_user, customer=customer, data=mixed_file.encode())
    assert run.counts["created"] == 0 and run.counts["updated"] == 0 and run.counts["unchanged"] == 3
    assert list(User.objects.values_list("username", "email", "entity_ids")) == users
    assert len(mail.outbox) == mails


def test_a_csv_gives_the_missing_email_to_a_bulk_created_driver_and_invites_them(sim, customer, admin_user):
    create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=[7006])  # no e-mail in Ocean
    assert mail.outbox == []
    matricule = sim_driver(sim, 7006).matricule
    run = import_csv(
        actor=admin_user,
        customer=customer,
        data=f"matricule,email,role,entity\n{matricule},six@example.com,,\n".encode(),
    )
    assert run.rows[0]["status"] == "updated" and run.rows[0]["invited"]
    assert User.objects.get(ocean_individu_id=7006).email == "six@example.com"
    assert [m.to for m in mail.outbox] == [["six@example.com"]]


def test_a_driver_row_with_the_wrong_entity_is_refused(sim, customer, admin_user):
    d = sim_driver(sim, 7002)
    wrong = next(eid for eid in (121, 122, 123) if eid != d.entity_id)
    run = import_csv(
        actor=admin_user,
        customer=customer,
        data=f"matricule,email,role,entity\n{d.matricule},a@example.com,driver,{wrong}\n".encode(),
    )
    assert run.rows[0]["status"] == "failed"
    assert not User.objects.filter(ocean_individu_id=7002).exists()


def test_hr_with_an_entity_and_a_username_of_another_account_are_refused(sim, customer, admin_user, manager):
    data = "matricule,email,role,entity\nRH02,rh2@example.com,hr,Agence Lyon\nmanager,m@example.com,hr,\n"
    run = import_csv(actor=admin_user, customer=customer, data=data.encode())
    assert [r["status"] for r in run.rows] == ["failed", "failed"]
    manager.refresh_from_db()
    assert manager.role == Role.MANAGER and manager.email == ""


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("", "utf-8"),
        ("nom;courriel\nA;b@example.com\n", "utf-8"),
        ("matricule;email;role;entity\n", "utf-8"),
        ("matricule;email;role;entity\nM0001;é@example.com;;\n", "latin-1"),
    ],
)
def test_an_unreadable_file_is_refused_as_a_whole(content, encoding):
    with pytest.raises(CsvFileError):
        parse_csv(content.encode(encoding))


def test_comma_or_semicolon_and_a_bom_are_all_read():
    for text in (
        "matricule,email,role,entity\nM1,a@example.com,driver,\n",
        "\ufeffMatricule;Email;Role;Entity\r\nM1;a@example.com;driver;\r\n",
    ):
        (line,) = parse_csv(text.encode())
        assert (line.line, line.matricule, line.email, line.role) == (2, "M1", "a@example.com", "driver")


def test_the_import_page_reports_a_bad_file_next_to_the_field_and_applies_nothing(sim, login, admin_user, customer):
    response = login(admin_user).post(reverse("privacy:users_import"), {"file": csv_upload("a,b\n1,2\n")})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not OnboardingRun.objects.exists()


def test_the_import_page_leads_to_the_line_by_line_report(sim, login, admin_user, customer, mixed_file):
    client = login(admin_user)
    response = client.post(reverse("privacy:users_import"), {"file": csv_upload(mixed_file), "invite": "on"})
    run = OnboardingRun.objects.get()
    assert response["Location"] == reverse("privacy:onboarding_run", args=[run.pk])
    html = client.get(response["Location"]).content.decode()
    assert "ZZ999" in html and "boss" in html and "chef03" in html
