"""Every key binding of the app by id: what the preferences' ``[keys]`` table may name."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode

from registry_tui.tui.screens.card import CardScreen
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.copy import CopyScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.help import HelpScreen
from registry_tui.tui.screens.history import HistoryScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.pending import PendingScreen
from registry_tui.tui.screens.promote import PromoteScreen
from registry_tui.tui.screens.reason import ReasonScreen
from registry_tui.tui.screens.rollback import RollbackScreen
from registry_tui.tui.screens.too_small import TooSmallScreen
from registry_tui.tui.screens.untag import UntagScreen
from registry_tui.tui.widgets.filter_bar import FilterBar
from registry_tui.tui.widgets.model_table import ModelTable
from registry_tui.tui.widgets.sidebar import Sidebar

BOUND: tuple[type[DOMNode], ...] = (
    MainScreen, ModelTable, FilterBar, DetailScreen, CompareScreen, LineageScreen,
    HelpScreen, PromoteScreen, UntagScreen, ConfirmScreen, TooSmallScreen, HistoryScreen,
    CopyScreen, RollbackScreen, Sidebar, CardScreen, PendingScreen, ReasonScreen,
)  # fmt: skip
"""The screens and widgets with bindings (the app's own are added by :func:`binding_ids`)."""


def binding_ids(*extra: type[DOMNode]) -> set[str]:
    """The ids of every binding of :data:`BOUND` and ``extra``."""
    return {
        binding.id
        for node in (*BOUND, *extra)
        for binding in node.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }
