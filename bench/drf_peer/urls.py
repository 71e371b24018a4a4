"""`/expanses`, `/expanses/{id}` and the three dimension collections, without trailing slashes (as ours)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from .views import DepartmentViewSet, ExpanseViewSet, MemberViewSet, ProjectViewSet

router = SimpleRouter(trailing_slash=False)
router.register("expanses", ExpanseViewSet)
router.register("departments", DepartmentViewSet)
router.register("projects", ProjectViewSet)
router.register("members", MemberViewSet)
urlpatterns = router.urls
