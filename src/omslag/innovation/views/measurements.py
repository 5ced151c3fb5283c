"""Measurements of an experiment: a per-unit file, or the summaries of each group typed in.
Problems are shown by row and column; nothing is saved then."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omslag.common.tabular.formats import FileProblem

from .. import services
from ..forms import SummariesForm, UploadForm
from .experiment import render_experiment
from .moves import _writable, experiment_url


@login_required
@require_POST
def measurements_upload(request, pk):
    experiment = _writable(request, pk)
    form = UploadForm(request.POST, request.FILES, experiment=experiment)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            upload = services.upload_save(
                actor=request.user,
                experiment=experiment,
                stream=upload_file,
                filename=upload_file.name,
            )
        except services.MeasurementProblems as problems:
            return render_experiment(
                request,
                experiment,
                status=422,
                upload_form=form,
                upload_problems=problems.problems,
                upload_problems_total=problems.total,
            )
        except FileProblem as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("%(file)s was read: %(rows)s rows, metrics %(metrics)s.")
                % {
                    "file": upload.filename,
                    "rows": upload.rows,
                    "metrics": ", ".join(upload.metrics),
                },
            )
            return redirect(experiment_url(experiment, "measurements"))
    return render_experiment(request, experiment, upload_form=form)


@login_required
@require_POST
def measurements_summaries(request, pk):
    experiment = _writable(request, pk)
    form = SummariesForm(request.POST, experiment=experiment)
    if form.is_valid():
        items = [services.SummaryInput(**item) for item in form.items()]
        try:
            services.summaries_save(actor=request.user, experiment=experiment, items=items)
        except services.MeasurementProblems as problems:
            keys = [key for key, _label in form.groups]
            for problem in problems.problems:
                name = f"{keys[problem.row - 1]}_{problem.column}"
                form.add_error(name if name in form.fields else None, problem.reason)
            return render_experiment(request, experiment, status=422, summaries_form=form)
        messages.success(
            request,
            _("The summaries of %(metric)s were saved.") % {"metric": items[0].metric},
        )
        return redirect(experiment_url(experiment, "measurements"))
    return render_experiment(request, experiment, summaries_form=form)
