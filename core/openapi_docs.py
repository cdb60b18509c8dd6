"""The API's extension object: flask-smorest's ``Api``, documenting on first use.

flask-smorest writes a blueprint's views into the OpenAPI document as the blueprint is
registered, resolving every schema they use. That is a sixth of building the app, paid by
every worker and every ``kepu`` command, while few processes ever serve the document. Here the
blueprint is registered at once (its routes answer as before) and documented, in the same
order, when the document is first read: ``/api/v1/openapi.json``, the docs page,
``kepu openapi``, or any code reading ``api.spec``.
"""

from flask_smorest import Api


class LazyDocsApi(Api):
    """``flask_smorest.Api`` whose blueprints are documented when ``spec`` is first read."""

    @property
    def spec(self):
        """The OpenAPI document (an ``apispec.APISpec``), the waiting blueprints added first."""
        spec = self.__dict__.get("_spec")
        pending = self.__dict__.get("_undocumented")
        if spec is not None and pending:
            self.__dict__["_undocumented"] = []
            for blueprint, name, parameters in pending:
                blueprint.register_views_in_doc(
                    self, self._app, spec, name=name, parameters=parameters
                )
                spec.tag({"name": name, "description": blueprint.description})
        return spec

    @spec.setter
    def spec(self, value) -> None:
        """A new document (``init_app``): nothing waits to be documented in it."""
        self.__dict__["_spec"] = value
        self.__dict__["_undocumented"] = []

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        """Register ``blp`` in the app now; document it when the document is next read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self.__dict__.setdefault("_undocumented", []).append((blp, name, parameters))
