"""Who may see and cancel a job: the person who started it, and the administrators of its
organisation. Any other job is answered as not found."""

from django.http import Http404

from omslag.organisations.access import organisation_can_manage_members

from .models import Job


def job_can_read(person, job: Job) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    if person.is_superuser or (job.person_id is not None and job.person_id == person.pk):
        return True
    return job.organisation is not None and organisation_can_manage_members(
        person, job.organisation
    )


def job_can_cancel(person, job: Job) -> bool:
    """Whoever may see a job may cancel it (a finished one answers with a conflict)."""
    return job_can_read(person, job)


def job_get_readable(person, pk) -> Job:
    job = Job.objects.select_related("organisation").filter(pk=pk).first()
    if job is None or not job_can_read(person, job):
        raise Http404("No job matches the given query.")
    return job
