"""The profile contract (pydantic models) and its loader."""

from icpcheck.profile.loader import LoadedProfile, load_profile, parse_profile
from icpcheck.profile.model import Profile

__all__ = ["LoadedProfile", "Profile", "load_profile", "parse_profile"]
