# Build the Windows installer of Cyber Affairs Desk: dist\cyberdesk-VERSION-x64.msi
#
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1
#
# Needs: 64-bit Python 3.11+ on PATH as `python`, the WiX Toolset v4 command line (`dotnet tool install --global wix
# --version 4.0.5`), and for signing the Windows SDK's signtool.exe. Run from anywhere; paths are taken from this file.
#
# Authenticode signing happens only when these environment variables are set (nothing is signed otherwise):
#   CYBERDESK_SIGN_CERT            path to a .pfx file, or
#   CYBERDESK_SIGN_THUMBPRINT      SHA-1 thumbprint of a certificate in the current user's store (smart cards, HSMs)
#   CYBERDESK_SIGN_PASSWORD        the .pfx password, if it has one
#   CYBERDESK_SIGN_TIMESTAMP_URL   an RFC 3161 timestamp server (strongly advised: signatures then outlive the cert)
#   CYBERDESK_SIGNTOOL             signtool.exe, when it is not on PATH
# The two programs are signed before they go into the MSI, then the MSI itself.

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Invoke-Checked {
    param([string]$Program, [string[]]$Arguments)
    Write-Host "> $Program $($Arguments -join ' ')"
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program failed with exit code $LASTEXITCODE" }
}

function Invoke-Sign {
    param([string]$File)
    if (-not $env:CYBERDESK_SIGN_CERT -and -not $env:CYBERDESK_SIGN_THUMBPRINT) {
        Write-Host "Not signing $File (set CYBERDESK_SIGN_CERT or CYBERDESK_SIGN_THUMBPRINT to sign)."
        return
    }
    $signtool = if ($env:CYBERDESK_SIGNTOOL) { $env:CYBERDESK_SIGNTOOL } else { "signtool.exe" }
    $arguments = @("sign", "/fd", "SHA256", "/d", "Cyber Affairs Desk")
    if ($env:CYBERDESK_SIGN_CERT) {
        $arguments += @("/f", $env:CYBERDESK_SIGN_CERT)
        if ($env:CYBERDESK_SIGN_PASSWORD) { $arguments += @("/p", $env:CYBERDESK_SIGN_PASSWORD) }
    } else {
        $arguments += @("/sha1", $env:CYBERDESK_SIGN_THUMBPRINT)
    }
    if ($env:CYBERDESK_SIGN_TIMESTAMP_URL) {
        $arguments += @("/tr", $env:CYBERDESK_SIGN_TIMESTAMP_URL, "/td", "SHA256")
    } else {
        Write-Warning "CYBERDESK_SIGN_TIMESTAMP_URL is not set: the signature will expire with the certificate."
    }
    Invoke-Checked $signtool ($arguments + @($File))
    Invoke-Checked $signtool @("verify", "/pa", $File)
}

# 1. A clean build environment with only the runtime dependencies and PyInstaller.
$Venv = Join-Path $Root "build\venv-windows"
if (-not (Test-Path (Join-Path $Venv "Scripts\python.exe"))) { Invoke-Checked "python" @("-m", "venv", $Venv) }
$Python = Join-Path $Venv "Scripts\python.exe"
Invoke-Checked $Python @("-m", "pip", "install", "--disable-pip-version-check", "-q", "$Root[installers]")

$Version = (& $Python "installers\packaging_meta.py" "msi-version").Trim()
if ($LASTEXITCODE -ne 0) { throw "could not read the package version" }

# 2. Freeze: dist\cyberdesk\cyberdesk.exe (windowed) and cyberdesk-cli.exe (console), with the version resource.
Invoke-Checked $Python @("-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", "dist", "--workpath",
    "build\pyinstaller", "installers\cyberdesk.spec")
$App = Join-Path $Root "dist\cyberdesk"
Invoke-Checked (Join-Path $App "cyberdesk-cli.exe") @("--version")

# 3. Sign the programs that go into the package.
Invoke-Sign (Join-Path $App "cyberdesk.exe")
Invoke-Sign (Join-Path $App "cyberdesk-cli.exe")

# 4. List every other file for WiX, then build the MSI.
Invoke-Checked $Python @("installers\windows\harvest.py", $App, "build\AppFiles.wxs")
$Msi = Join-Path $Root "dist\cyberdesk-$Version-x64.msi"
Invoke-Checked "wix" @("build", "installers\windows\cyberdesk.wxs", "build\AppFiles.wxs", "-arch", "x64",
    "-d", "Version=$Version", "-d", "SourceDir=$App", "-d", "IconFile=$Root\resources\icons\cyberdesk.ico",
    "-o", $Msi)

# 5. Sign the MSI last: signing changes the file, so nothing may touch it afterwards.
Invoke-Sign $Msi
Write-Host "Built $Msi"
