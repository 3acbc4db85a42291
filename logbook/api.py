from rest_framework import viewsets


class SessionViewSet(viewsets.ViewSet):
    def list(self, request):
        pass


class ProgressViewSet(viewsets.ViewSet):
    def list(self, request):
        pass
