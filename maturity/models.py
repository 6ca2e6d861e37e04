"""Every model, imported in one place so Alembic and the factory see the whole schema."""
from maturity.advisors.models import AccessRequest, OwnerInvitation
from maturity.assessments.models import Answer, Assessment, DimensionScore, SaveReceipt
from maturity.auth.models import RecoveryCode, User
from maturity.baseline.models import BaselineRecord, BaselineSource
from maturity.clustering.models import ClusterFit
from maturity.cohorts.models import ApiToken, Cohort, CohortInvitation, CohortMember
from maturity.firms.models import Firm, FirmMember
from maturity.organizations.models import Organization
from maturity.planning.models import ActionStatus, PlanAction, PlanEdit, PlanProgramme, PlanTarget

__all__ = [
    "AccessRequest",
    "ActionStatus",
    "Answer",
    "ApiToken",
    "Assessment",
    "BaselineRecord",
    "BaselineSource",
    "ClusterFit",
    "Cohort",
    "CohortInvitation",
    "CohortMember",
    "DimensionScore",
    "Firm",
    "FirmMember",
    "Organization",
    "OwnerInvitation",
    "PlanAction",
    "PlanEdit",
    "PlanProgramme",
    "PlanTarget",
    "RecoveryCode",
    "SaveReceipt",
    "User",
]
