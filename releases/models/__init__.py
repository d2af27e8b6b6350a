"""The newsroom's content model, split by concept."""

from .accessibility import SignLanguageVideo
from .caching import MissedContentChange
from .editing import EditLock, EditorPresence
from .events import Counterpart, Delegation, DelegationMember, DelegationStop, Event, ProgrammeItem
from .identity import SiteIdentity
from .organisations import Contact, Organisation, Topic
from .people import Appointment, Person
from .places import PlaceGroup, PlaceName
from .releases import Release, ReleaseAttachment, ReleaseImage, ReleasePerson, public_condition
from .workflow import AuditEntry, Correction, PreviewLink

__all__ = [
    "Appointment", "AuditEntry", "Contact", "Correction", "Counterpart", "Delegation",
    "DelegationMember", "DelegationStop", "EditLock", "EditorPresence", "Event",
    "MissedContentChange", "Organisation",
    "Person", "PlaceGroup", "PlaceName", "PreviewLink", "ProgrammeItem", "Release",
    "ReleaseAttachment", "ReleaseImage", "ReleasePerson", "SignLanguageVideo", "SiteIdentity",
    "Topic", "public_condition",
]
