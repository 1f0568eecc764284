"""Scrapy settings: ``crawler.settings`` is the base; ``.production`` and ``.test`` refine it.

Choose with ``SCRAPY_SETTINGS_MODULE`` (``scrapy.cfg`` names ``crawler.settings``).
"""

from crawler.settings.base import *  # noqa: F403
