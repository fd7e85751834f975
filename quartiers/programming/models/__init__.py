"""The programming's models, one module per stage: calls and dossiers (`calls`), instruction and decision
(`instruction`), conventions and payments (`followup`), bilans (`bilans`)."""

from .bilans import GAP_NEEDING_EXPLANATION, BeneficiaryCount, Report, ReportIndicator, ReportLine
from .calls import (
    ACCOUNT_LABELS,
    AMOUNT,
    EXPENSE_CLASSES,
    INCOME_CLASSES,
    SUBSIDY_CLASS,
    Application,
    Attachment,
    BudgetLine,
    Call,
    CallFinancer,
    Carrier,
    PolicyQuerySet,
)
from .followup import Convention, Payment
from .instruction import MAX_SCORE, Assessment, Criterion, Funding, InformationRequest

__all__ = [
    "ACCOUNT_LABELS",
    "AMOUNT",
    "EXPENSE_CLASSES",
    "GAP_NEEDING_EXPLANATION",
    "INCOME_CLASSES",
    "MAX_SCORE",
    "SUBSIDY_CLASS",
    "Application",
    "Assessment",
    "Attachment",
    "BeneficiaryCount",
    "BudgetLine",
    "Call",
    "CallFinancer",
    "Carrier",
    "Convention",
    "Criterion",
    "Funding",
    "InformationRequest",
    "Payment",
    "PolicyQuerySet",
    "Report",
    "ReportIndicator",
    "ReportLine",
]
