"""Homework: join a class and hand in answers that are stored, or practise with nothing stored."""

from lessons import homework

homework.page()
