"""The nightly job: ``run`` (orchestration) → ``crawl`` (the crawl process) → ``summary`` (what it
found, history tables, exit status) → ``publish`` (atomic swap); ``process`` holds the locks and
signals."""
