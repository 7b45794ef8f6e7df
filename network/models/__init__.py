from .facilities import Booking, Facility
from .librarians import (
    Answer,
    Event,
    ExpertiseEntry,
    Guideline,
    GuidelineVersion,
    Question,
    Registration,
    TaskAssignment,
)
from .partners import Partner
from .search import ReadingList, ReadingListItem, Subscription

__all__ = [
    "Answer",
    "Booking",
    "Event",
    "ExpertiseEntry",
    "Facility",
    "Guideline",
    "GuidelineVersion",
    "Partner",
    "Question",
    "ReadingList",
    "ReadingListItem",
    "Registration",
    "Subscription",
    "TaskAssignment",
]
