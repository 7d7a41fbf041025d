"""Lecturer: behind the deployment's secret, the classes, their results and the exports."""

from lessons import lecturer

lecturer.page()
