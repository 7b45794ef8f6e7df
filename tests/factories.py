"""Factories that keep relations consistent (a librarian belongs to the library they staff)."""

import factory
import pymarc
from django.contrib.auth import get_user_model

from consortium.choices import MembershipStatus, Role, SchoolLevel, StaffRole
from consortium.models import Library, Membership, Profile


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"SMA Negeri {n + 1} Medan")
    code = factory.Sequence(lambda n: f"SCH{n + 1:04d}")
    npsn = factory.Sequence(lambda n: f"{10200000 + n + 1:08d}")
    level = SchoolLevel.SMA
    address = factory.Sequence(lambda n: f"Jl. Pendidikan No. {n + 1}")
    city = "Kota Medan"
    province = "Sumatera Utara"
    services = factory.LazyFunction(lambda: ["loan", "copies"])
    status = MembershipStatus.ACTIVE
    opening_hours = "Senin–Jumat 07.30–15.00"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role: str, *, library: Library | None = None, staff_role: str = StaffRole.LIBRARIAN, **kwargs):
    """A user with a profile; librarians get a staff membership at `library`."""
    user = UserFactory(**kwargs)
    school = library if role in (Role.STUDENT, Role.TEACHER, Role.PRINCIPAL) else None
    Profile.objects.update_or_create(user=user, defaults={"role": role, "school": school})
    if role == Role.LIBRARIAN and library is not None:
        Membership.objects.get_or_create(user=user, library=library, defaults={"role": staff_role})
    return user


def make_librarian(library: Library, **kwargs):
    return make_user(Role.LIBRARIAN, library=library, **kwargs)


def make_student(school: Library, **kwargs):
    return make_user(Role.STUDENT, library=school, **kwargs)


def make_coordinator(**kwargs):
    return make_user(Role.COORDINATOR, **kwargs)


def make_teacher(school: Library, **kwargs):
    return make_user(Role.TEACHER, library=school, **kwargs)


def make_principal(school: Library, **kwargs):
    return make_user(Role.PRINCIPAL, library=school, **kwargs)


def edition_marc(local_id: str, *, isbn: str, publisher: str, year: str, barcode: str) -> bytes:
    """One school's MARC 21 record of an edition of Laskar Pelangi."""
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 a 4500")
    record.add_field(pymarc.Field(tag="001", data=local_id))
    record.add_field(pymarc.Field(tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", isbn)]))
    record.add_field(pymarc.Field(tag="100", indicators=["1", " "], subfields=[pymarc.Subfield("a", "Hirata, Andrea")]))
    record.add_field(pymarc.Field(tag="245", indicators=["1", "0"], subfields=[pymarc.Subfield("a", "Laskar pelangi")]))
    record.add_field(
        pymarc.Field(
            tag="264",
            indicators=[" ", "1"],
            subfields=[pymarc.Subfield("a", "Jakarta"), pymarc.Subfield("b", publisher), pymarc.Subfield("c", year)],
        )
    )
    record.add_field(pymarc.Field(tag="852", indicators=[" ", " "], subfields=[pymarc.Subfield("p", barcode)]))
    return record.as_marc()


# Two schools' records of two editions of one title: a merge of them is what a split must undo.
BENTANG = edition_marc("A-7", isbn="9789793062792", publisher="Bentang Pustaka", year="2005", barcode="A100")
GRAMEDIA = edition_marc("B-9", isbn="9786020331607", publisher="Gramedia", year="2020", barcode="B200")
