"""Every model, imported in one place so Alembic and the factory see the whole schema."""
from maturity.assessments.models import Answer, Assessment, DimensionScore, SaveReceipt
from maturity.auth.models import User
from maturity.firms.models import Firm, FirmMember
from maturity.organizations.models import Organization

__all__ = ["Answer", "Assessment", "DimensionScore", "Firm", "FirmMember", "Organization", "SaveReceipt", "User"]
