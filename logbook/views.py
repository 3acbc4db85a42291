from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


session_list = session_create = export_csv = export_json = import_strong = _todo
session_detail = session_update = session_delete = progress = progress_exercise = _todo
