"""One exception root for every error lakesift reports to a user.

User errors (bad recipe, bad path, missing input, bad data) exit with code 2; internal errors
exit with code 1. Each error carries a list of problems so a validator can report everything at
once, one line per problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located where possible (a YAML path and line, a file, a table)."""

    message: str
    where: str = ""
    line: int | None = None

    def render(self) -> str:
        loc = self.where
        if self.line is not None:
            loc = f"{loc} (line {self.line})" if loc else f"line {self.line}"
        return f"{loc}: {self.message}" if loc else self.message


@dataclass
class LakesiftError(Exception):
    """Root of every error lakesift raises on purpose."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 1

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def lines(self) -> list[str]:
        """One line per problem (or the message when there is no detail)."""
        if not self.problems:
            return [self.message]
        return [p.render() for p in self.problems]

    def __str__(self) -> str:
        return "; ".join(self.lines())


class UserError(LakesiftError):
    """Something the user can fix: configuration, paths, inputs. Exit code 2."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, list(problems or []), 2)


class RecipeError(UserError):
    """A recipe (or sources registry) failed loading or validation."""


class PathPolicyError(UserError):
    """A path escapes the allowed roots or does not exist."""


class ExpressionError(UserError):
    """An expression in a recipe is outside the allow-listed language."""


class InputError(UserError):
    """An input table is missing, unreadable or corrupt."""


class InvariantError(LakesiftError):
    """A pipeline invariant broke (row accounting, provenance); nothing is published."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, list(problems or []), 1)


class ConcurrentRunError(UserError):
    """Another run holds the output's lock."""
