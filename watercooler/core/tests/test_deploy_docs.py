"""docs/deploy.md shows the nginx configuration that core/tests/test_scale_out.py serves through."""

from pathlib import Path

from django.conf import settings

from watercooler.core.tests.test_scale_out import NGINX_SITE


def test_the_deploy_page_shows_the_tested_configuration() -> None:
    page = (Path(settings.BASE_DIR) / "docs" / "deploy.md").read_text()
    assert NGINX_SITE.read_text() in page, "docs/deploy.md must show deploy/nginx/watercooler.conf"
