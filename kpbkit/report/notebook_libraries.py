"""papermill, nbformat and nbconvert, imported once per process without jsonschema's slowest optional part.

nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is installed (jupyter-events
asks for it). That package compiles 38 lark grammars at import: about 1 s of the 1.5–2 s it takes to import
papermill and nbconvert, paid by every process that renders (the CLI, each render worker, each test worker).
Nothing here checks the ``iri`` format it serves, so the import runs with it hidden; afterwards it is importable
again for any other code in the process.
"""

from __future__ import annotations

import sys

_SKIPPED = "rfc3987_syntax"


def load() -> None:
    """Import papermill, nbformat and nbconvert's HTML exporter (a no-op once done in this process)."""
    if "nbconvert" in sys.modules and "papermill" in sys.modules:
        return
    hidden = _SKIPPED not in sys.modules and "jsonschema" not in sys.modules
    if hidden:
        sys.modules[_SKIPPED] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
        import papermill  # noqa: F401
        from nbconvert import HTMLExporter  # noqa: F401
    finally:
        if hidden and sys.modules.get(_SKIPPED, ...) is None:
            del sys.modules[_SKIPPED]


#: the papermill engine kpbkit runs its templates with (:func:`engine`)
ENGINE = "kpbkit"
_registered = False


def engine() -> str:
    """Register (once) and name papermill's nbclient engine writing the executed notebook when the run ends.

    papermill's own engine rewrites the whole notebook before and after every cell (about 100 writes of a growing
    file for an area report, a third of a second of this process's time). Here it is written once the run ends,
    whether it completed, failed or was interrupted; papermill then writes the final copy as usual.
    """
    load()
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    global _registered
    if _registered:
        return ENGINE

    class SavedAtEnd(NotebookExecutionManager):
        def save(self, **kwargs: object) -> None:
            if self.end_time is not None:  # set by notebook_complete, which papermill calls however the run ends
                super().save(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,  # noqa: ANN001, ANN206
                             log_output=False, autosave_cell_every=30, **kwargs):
            manager = SavedAtEnd(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                 autosave_cell_every=autosave_cell_every)
            manager.notebook_start()
            try:
                cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
            finally:
                manager.cleanup_pbar()
                manager.notebook_complete()
            return manager.nb

    papermill_engines.register(ENGINE, Engine)
    _registered = True
    return ENGINE
